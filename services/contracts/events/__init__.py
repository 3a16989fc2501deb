"""The events each service publishes, one module a producer; a consumer reads them with
`services.kernel.event_reader.EventReader`, never by testing a subject or a field's string."""
