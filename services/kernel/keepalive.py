"""How long idle HTTP connections between the gateway and the services live: the caller lets
go first.

A server that closes an idle connection just as a caller reuses it loses that request; the
caller sees "server disconnected" for a request that never arrived. So every service keeps an
idle connection open well past the time the gateway's pool keeps one for reuse.
"""

POOL_IDLE_SECONDS = 30  # the gateway's pool drops a connection idle this long
SERVER_IDLE_SECONDS = 75  # a service closes a connection idle this long
