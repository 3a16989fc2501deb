"""The published language between services: what each one publishes, and the reference data
they all read.

A service never imports another service's code; it imports this package instead. What is
here is declaration only (dataclasses, enumerations, constants), so a contract never carries
behaviour from one service into another. The JSON Schemas and the AsyncAPI document under
`docs/` are made from these declarations and stay the contract for consumers outside Python.
"""
