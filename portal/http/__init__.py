"""HTTP surface: the GraphQL view, health, body limits."""
