"""The SDK's transport (KeepAliveHTTPClient): one kept-alive connection, a connection the
server dropped while idle reopened once, network failures retryable, proxies honoured."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import stripe

from marketplace.payments.gateway.stripe_adapter import (
    KeepAliveHTTPClient,
    StripeGateway,
    _http_client,
)
from stripe_emulator import StripeEmulator

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def test_calls_through_the_gateway_share_one_connection(stripe_emulator: StripeEmulator) -> None:
    server = stripe_emulator._server
    assert server is not None
    accepted = []
    get_request = server.get_request

    def counting() -> tuple[socket.socket, object]:
        found = get_request()
        accepted.append(found)
        return found

    server.get_request = counting  # type: ignore[method-assign]
    try:
        client = KeepAliveHTTPClient()
        gateway = StripeGateway("sk_test_emulator", "whsec_x", api_base=stripe_emulator.base_url,
                                http_client=client)
        for _ in range(5):
            gateway.v1.balance.retrieve()
        client.close()
    finally:
        server.get_request = get_request  # type: ignore[method-assign]
    assert len(accepted) == 1


@pytest.fixture
def closes_after_each_answer() -> Iterator[tuple[int, list[int]]]:
    """A server that answers one request per connection, then closes it without saying so
    (as a server does with an idle keep-alive connection)."""
    listener = socket.create_server(("127.0.0.1", 0))
    served: list[int] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                if conn.recv(65536):
                    conn.sendall(RESPONSE)
                    served.append(1)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], served
    listener.close()


def test_a_connection_the_server_dropped_is_reopened_once(
        closes_after_each_answer: tuple[int, list[int]]) -> None:
    port, served = closes_after_each_answer
    client = KeepAliveHTTPClient()
    url = f"http://127.0.0.1:{port}/v1/balance"
    assert client.request("get", url, {}) == (b"{}", 200, {"content-type": "application/json",
                                                          "content-length": "2"})
    assert client.request("get", url, {})[:2] == (b"{}", 200)
    client.close()
    assert len(served) == 2


def test_a_network_failure_is_the_sdks_retryable_connection_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed below: nothing listens there
    with pytest.raises(stripe.APIConnectionError) as failed:
        KeepAliveHTTPClient().request("post", f"http://127.0.0.1:{port}/v1/transfers", {},
                                      "amount=1")
    assert failed.value.should_retry


def test_with_a_proxy_configured_the_sdks_own_client_follows_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert isinstance(_http_client(), stripe.RequestsClient)
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    assert isinstance(_http_client(), KeepAliveHTTPClient)


def test_stripe_itself_is_reached_over_verified_tls() -> None:
    import http.client
    import ssl

    client = KeepAliveHTTPClient()
    conn = client._connection("https", "api.stripe.com")
    assert isinstance(conn, http.client.HTTPSConnection)
    assert conn._context.verify_mode == ssl.CERT_REQUIRED  # type: ignore[attr-defined]
    assert conn._context.check_hostname  # type: ignore[attr-defined]
    assert conn.sock is None  # nothing is opened before a request
    client.close()
