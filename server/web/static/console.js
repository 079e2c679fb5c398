// Small progressive layer: a form submits once (a double click never submits twice).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  var autosave = form.querySelector("[data-autosave]");
  if (autosave) autosave.value = "0";  // a preview still pending must not save the form again
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
    button.setAttribute("aria-disabled", "true");
    button.classList.add("is-busy");
  });
});
// Coming back with the browser's back button must not leave a form locked.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submitted]").forEach(function (form) {
    delete form.dataset.submitted;
    form.querySelectorAll(".is-busy").forEach(function (b) { b.classList.remove("is-busy"); b.removeAttribute("aria-disabled"); });
  });
});
// The area picker's filter: diacritics and case ignored ("thon mot" finds "Thôn Một").
function foldVi(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
}
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.filterAreas) return;
  var query = foldVi(input.value.trim());
  document.querySelectorAll(input.dataset.filterAreas + " [data-area-name]").forEach(function (label) {
    label.hidden = query !== "" && foldVi(label.dataset.areaName).indexOf(query) < 0;
  });
});
// The editor autosaves only after the officer has changed something.
function markChanged(event) {
  var form = event.target && event.target.form;
  if (!form) return;
  var flag = form.querySelector("[data-autosave]");
  if (flag) flag.value = "1";
}
document.addEventListener("input", markChanged, true);
document.addEventListener("change", markChanged, true);
// A page shown again with errors puts the keyboard (and a screen reader) on the error summary.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
