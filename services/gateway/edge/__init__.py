"""The gateway's web edge: GraphQL over HTTP (`http`, with automatic persisted queries in
`apq`), what one request may ask (`limits`), the documents subgraphs serve beside GraphQL
(`documents`), and the static files of the screens and of GraphiQL."""
