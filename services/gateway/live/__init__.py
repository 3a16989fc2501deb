"""Subscriptions: `feeds` holds every one the gateway serves; the edge carries them to clients
over Server-Sent Events and WebSocket."""
