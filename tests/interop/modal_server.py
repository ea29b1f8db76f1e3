#!/usr/bin/env python3
"""A Modal API server built on the service base class Modal's own package generates
(`modal_proto.api_grpc.ModalClientBase`, from the same `pip install modal==1.6.4`), served by
grpclib as Modal serves its fakes. Every message modal-setup sends is decoded, and every answer
encoded, by Modal's generated code, so a field number or type that modal-setup got wrong shows
up here. It records every call's method and headers (the secret's value redacted).

Run by tests/interop (judge.rs, through modal_server.rs) with the virtualenv's python. It
prints two lines, `API http://127.0.0.1:PORT` and `CONTROL http://127.0.0.1:PORT`, then serves
until killed. The control port is plain HTTP for the tests: GET /token-flow/ID (the login
page: which loopback port to check), GET /approve/ID?loopback=FLOW_ID (the approval, after the
browser's check of the CLI's loopback), POST /mint, GET /token/ID, GET /calls.
"""

import asyncio
import json
import secrets
import socket
import string
import time

from aiohttp import web
from google.protobuf import empty_pb2, timestamp_pb2
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server
from modal_proto import api_grpc, api_pb2

WORKSPACE = "interop-ws"
USER = "interop-user"
ALPHANUMERIC = string.ascii_letters + string.digits


def random_text(n):
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(n))


class State:
    def __init__(self):
        self.tokens = {}  # id -> {"secret", "revoked", "created"}
        self.flows = {}  # id -> {"wait_secret", "port", "event", "token"}
        self.calls = []
        self.control_url = ""

    def mint(self):
        token_id, secret = "ak-" + random_text(22), "as-" + random_text(22)
        self.tokens[token_id] = {"secret": secret, "revoked": False, "created": int(time.time())}
        return token_id, secret


class Servicer(api_grpc.ModalClientBase):
    """Only the RPCs modal-setup and `modal`'s credential commands use; the rest stay the base
    class's stubs (never called)."""

    def __init__(self, state):
        self.state = state

    def record(self, stream, rpc):
        headers = []
        for key, value in stream.metadata.items():
            headers.append([key, "<redacted>" if key == "x-modal-token-secret" else str(value)])
        headers.append(["user-agent", stream.user_agent or ""])
        headers.append(["grpc-timeout", "set" if stream.deadline is not None else "unset"])
        self.state.calls.append({"rpc": rpc, "headers": headers})

    def check_client(self, stream):
        for name in ("x-modal-client-type", "x-modal-client-version"):
            if name not in stream.metadata:
                raise GRPCError(Status.FAILED_PRECONDITION, f"Missing {name} header")

    def authenticate(self, stream):
        token_id = stream.metadata.get("x-modal-token-id")
        secret = stream.metadata.get("x-modal-token-secret")
        token = self.state.tokens.get(token_id)
        if token is None:
            raise GRPCError(Status.UNAUTHENTICATED, "Invalid token id")
        if not secrets.compare_digest(token["secret"], secret or ""):
            raise GRPCError(Status.UNAUTHENTICATED, "Invalid token secret")
        if token["revoked"]:
            raise GRPCError(Status.UNAUTHENTICATED, "Token has been deleted")
        return token_id

    async def TokenFlowCreate(self, stream):
        request = await stream.recv_message()
        self.record(stream, "TokenFlowCreate")
        self.check_client(stream)
        flow_id = "tf-" + random_text(22)
        self.state.flows[flow_id] = {
            "wait_secret": random_text(32),
            "port": request.localhost_port,
            "utm_source": request.utm_source,
            "next_url": request.next_url,
            "expires_in_seconds": request.expires_in_seconds,
            "event": asyncio.Event(),
            "token": None,
        }
        await stream.send_message(
            api_pb2.TokenFlowCreateResponse(
                token_flow_id=flow_id,
                web_url=f"{self.state.control_url}/token-flow/{flow_id}",
                code="",
                wait_secret=self.state.flows[flow_id]["wait_secret"],
            )
        )

    async def TokenFlowWait(self, stream):
        request = await stream.recv_message()
        self.record(stream, "TokenFlowWait")
        self.check_client(stream)
        flow = self.state.flows.get(request.token_flow_id)
        if flow is None or not secrets.compare_digest(flow["wait_secret"], request.wait_secret):
            raise GRPCError(Status.NOT_FOUND, "Token flow not found")
        try:
            await asyncio.wait_for(flow["event"].wait(), timeout=min(request.timeout, 60))
        except asyncio.TimeoutError:
            await stream.send_message(api_pb2.TokenFlowWaitResponse(timeout=True))
            return
        token_id, secret = flow["token"]
        await stream.send_message(
            api_pb2.TokenFlowWaitResponse(token_id=token_id, token_secret=secret, workspace_username=WORKSPACE)
        )

    async def ClientHello(self, stream):
        await stream.recv_message()
        self.record(stream, "ClientHello")
        self.check_client(stream)
        self.authenticate(stream)
        await stream.send_message(api_pb2.ClientHelloResponse())

    async def WorkspaceNameLookup(self, stream):
        await stream.recv_message()
        self.record(stream, "WorkspaceNameLookup")
        self.check_client(stream)
        self.authenticate(stream)
        await stream.send_message(api_pb2.WorkspaceNameLookupResponse(username=WORKSPACE))

    async def TokenInfoGet(self, stream):
        await stream.recv_message()
        self.record(stream, "TokenInfoGet")
        self.check_client(stream)
        token_id = self.authenticate(stream)
        await stream.send_message(
            api_pb2.TokenInfoGetResponse(
                token_id=token_id,
                workspace_id="ac-interop",
                workspace_name=WORKSPACE,
                user_identity=api_pb2.UserIdentity(user_id="us-interop", username=USER),
                created_at=timestamp_pb2.Timestamp(seconds=self.state.tokens[token_id]["created"]),
            )
        )

    async def TokenDelete(self, stream):
        request = await stream.recv_message()
        self.record(stream, "TokenDelete")
        self.check_client(stream)
        self.authenticate(stream)
        target = self.state.tokens.get(request.token_id)
        if target is None:
            raise GRPCError(Status.NOT_FOUND, "Token not found")
        target["revoked"] = True
        await stream.send_message(empty_pb2.Empty())


# The base class declares every RPC of Modal's API abstract; only the ones above are served.
Servicer.__abstractmethods__ = frozenset()


def control_app(state):
    async def flow_page(request):
        flow = state.flows.get(request.match_info["id"])
        if flow is None:
            raise web.HTTPNotFound()
        keys = ("port", "utm_source", "next_url", "expires_in_seconds")
        return web.json_response({key: flow[key] for key in keys})

    async def approve(request):
        flow_id = request.match_info["id"]
        flow = state.flows.get(flow_id)
        if flow is None or flow["token"] is not None:
            raise web.HTTPGone()
        if request.query.get("loopback") != flow_id:
            raise web.HTTPConflict(text="the CLI's loopback answered another flow")
        flow["token"] = state.mint()
        flow["event"].set()
        return web.Response(text="approved")

    async def mint(request):
        token_id, secret = state.mint()
        return web.json_response({"token_id": token_id, "token_secret": secret})

    async def calls(request):
        return web.json_response(state.calls)

    async def token(request):
        token = state.tokens.get(request.match_info["id"])
        if token is None:
            raise web.HTTPNotFound()
        return web.json_response({"revoked": token["revoked"]})

    app = web.Application()
    app.router.add_get("/token-flow/{id}", flow_page)
    app.router.add_get("/approve/{id}", approve)
    app.router.add_post("/mint", mint)
    app.router.add_get("/calls", calls)
    app.router.add_get("/token/{id}", token)
    return app


def listening_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Without TCP_NODELAY, small answers wait ~40 ms for delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(100)
    return sock


async def main():
    state = State()
    control_sock = listening_socket()
    state.control_url = f"http://127.0.0.1:{control_sock.getsockname()[1]}"
    runner = web.AppRunner(control_app(state))
    await runner.setup()
    await web.SockSite(runner, control_sock).start()
    api_sock = listening_socket()
    server = Server([Servicer(state)])
    await server.start(sock=api_sock)
    print(f"API http://127.0.0.1:{api_sock.getsockname()[1]}", flush=True)
    print(f"CONTROL {state.control_url}", flush=True)
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
