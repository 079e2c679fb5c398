"""OAuth2 password flow: short-lived bearer tokens (and a cookie for the web UI).

Login is the one endpoint strangers can make expensive (an Argon2 hash per attempt): the check
itself lives behind the login guard (``server.auth.guarded_signin``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from server.auth.guarded_signin import sign_in
from server.auth.tokens import issue_token
from server.deps import RuntimeDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token")
async def login(
    request: Request, response: Response, runtime: RuntimeDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> dict[str, str | int]:
    user_id = await sign_in(request, runtime, form.username, form.password)
    minutes = runtime.settings.token_minutes
    token = issue_token(runtime.jwt_secret, user_id, minutes, now=runtime.clock())
    response.set_cookie("loa_token", token, max_age=minutes * 60, httponly=True, samesite="strict")
    return {"access_token": token, "token_type": "bearer", "expires_in": minutes * 60}
