"""Dashboard sessions: sign in once with an API key (or a first run's one-time token), sign out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from . import first_run, session
from .auth import FailureLimiter, KeyRing, Role
from .deps import RoleDep, SettingsDep
from .problems import ApiError, problem_responses
from .routing import ApiRoute
from .schemas import Session, SignIn

router = APIRouter(route_class=ApiRoute, tags=["session"], responses=problem_responses(400, 401, 403, 422, 429))


def _csrf(request: Request) -> None:
    if not session.has_csrf_header(request):
        raise ApiError(403, "csrf", f"send the header {session.CSRF_HEADER}: 1 (the dashboard does); "
                       "a page of another site cannot")


def _answer(role: Role, *, via: str | None, expires_at: str | None = None, expired: bool = False) -> Session:
    return Session.model_validate({"role": role.name, "signed_in": role > Role.anonymous, "via": via,
                                   "expires_at": expires_at, "expired": expired})


@router.get("/session", response_model=Session)
def whoami(request: Request, response: Response, role: RoleDep, settings: SettingsDep) -> Session:
    """Who the caller is: the role of its API key or dashboard session, or anonymous.

    `expired` is true when a session cookie was sent that no longer holds (it is then cleared).
    """
    expired = bool(getattr(request.state, "session_expired", False))
    if expired:
        session.clear_cookie(response, request)
    via = getattr(request.state, "via", None)
    expires_at = None
    if via == "cookie":
        info = session.from_request(request)
        expires_at = info.expires(settings.session_hours) if info else None
    return _answer(role, via=via, expires_at=expires_at, expired=expired)


@router.post("/session", response_model=Session)
def sign_in(body: SignIn, request: Request, response: Response, settings: SettingsDep) -> Session:
    """Exchange an API key, or the one-time token of a first run's sign-in link, for a dashboard session.

    Answers with an `HttpOnly`, `SameSite=Strict` session cookie (the key itself is kept nowhere in the
    browser). Needs the header `X-Partychain-Request`. A wrong key or a used token is a 401 and counts
    towards the failed-key limit of the caller's address.
    """
    _csrf(request)
    if (body.key is None) == (body.token is None):
        raise ApiError(400, "invalid-argument", "send exactly one of `key` and `token`")
    limiter: FailureLimiter = request.app.state.auth_failures
    client = request.client.host if request.client else "unknown"
    retry = limiter.retry_after(client)
    if retry is not None:
        raise ApiError(429, "too-many-auth-failures", "too many failed sign-ins from this address",
                       headers={"Retry-After": str(retry)})
    keys: KeyRing = request.app.state.keys
    found: tuple[Role, str] | None = None
    if body.key is not None:
        found = keys.identify(body.key)
        failure = "unknown API key: check it and try again"
    else:
        who = first_run.exchange(settings, body.token or "")
        role = keys.role_of_id(who) if who else None
        found = (role, who) if role is not None and who else None
        failure = ("this sign-in link is not valid: it was used already, or it belongs to another run of "
                   "the server; sign in with a key")
    if found is None:
        limiter.record(client)
        raise ApiError(401, "unauthorized", failure)
    role, who = found
    value = session.issue(role, who)
    session.set_cookie(response, request, value)
    info = session.verify(value, keys, hours=settings.session_hours)
    return _answer(role, via="cookie", expires_at=info.expires(settings.session_hours) if info else None)


@router.delete("/session", response_model=Session)
def sign_out(request: Request, response: Response) -> Session:
    """End the dashboard session (clear its cookie). Needs the header `X-Partychain-Request`."""
    _csrf(request)
    session.clear_cookie(response, request)
    return _answer(Role.anonymous, via=None)
