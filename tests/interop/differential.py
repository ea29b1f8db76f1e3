# What Modal's Python client (1.6.4) makes of many cases, in one process: for each case (a JSON
# list on stdin: the variables of the run, its MODAL_CONFIG_PATH among them) the config module is
# read again, then `_Client.from_env()` decides, with its own code, which credentials and which
# server it would use; only the connection (`_open`) is left out. Prints a JSON list, one object
# a case. Secrets are printed (they are the test's own made-up values): the test compares them
# and never shows them.
import asyncio
import importlib
import json
import os
import sys

import modal.config as config_module
from modal import client as client_module
from modal._utils.grpc_utils import create_channel


async def _no_connection(self):
    pass


client_module._Client._open = _no_connection
base = {k: v for k, v in os.environ.items() if not k.startswith("MODAL_")}


async def _dialable(server_url):
    for url in server_url.split(","):
        try:
            create_channel(url.strip()).close()
            return True
        except Exception:
            pass
    return False


def dialable(server_url):
    """Whether the client's own channel code takes one URL of the (failover) list, inside an
    event loop as the client makes channels; it connects only later, so nothing is dialled."""
    return asyncio.run(_dialable(server_url))


def judge(case):
    os.environ.clear()
    os.environ.update(base)
    os.environ.update(case["env"])
    seen = {"refused": None, "credentials": "(none)"}
    try:
        importlib.reload(config_module)
    except Exception as e:  # the file's TOML, or a profile that is not a table
        seen["refused"] = str(e).strip().splitlines()[-1]
        return seen
    get = config_module.config.get
    seen["profile"] = config_module._profile
    seen["environment"] = get("environment") or None
    seen["server_url"] = get("server_url")
    seen["dialable"] = dialable(seen["server_url"])
    client_module._Client._client_from_env = None
    try:
        client = asyncio.run(client_module._Client.from_env())
    except client_module.AuthError as e:  # no token: Python uses none
        seen["no_credentials"] = str(e).splitlines()[0]
        seen["token_id"] = get("token_id")
        seen["token_secret"] = get("token_secret")
        return seen
    except Exception as e:
        seen["refused"] = str(e).strip().splitlines()[0]
        return seen
    seen["server_url"] = client.server_url
    if client._credentials:
        seen["credentials"] = "token"
        seen["token_id"], seen["token_secret"] = client._credentials
    elif client._oauth_credentials:
        seen["credentials"] = "oauth"
    return seen


print(json.dumps([judge(case) for case in json.load(sys.stdin)]))
