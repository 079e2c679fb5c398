"""OAuth2 password flow: short-lived bearer tokens (and a cookie for the web UI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from server.auth.signin import authenticate
from server.auth.tokens import issue_token
from server.deps import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token")
def login(
    request: Request, response: Response, runtime: RuntimeDep, session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> dict[str, str | int]:
    client = request.client.host if request.client else "?"
    user = authenticate(session, request.app.state.login_limiter, form.username, form.password, client)
    assert user.id is not None
    minutes = runtime.settings.token_minutes
    token = issue_token(runtime.jwt_secret, user.id, minutes, now=runtime.clock())
    response.set_cookie("loa_token", token, max_age=minutes * 60, httponly=True, samesite="strict")
    return {"access_token": token, "token_type": "bearer", "expires_in": minutes * 60}
