"""Turn config, history and incidents into the static site. Never touches the network."""
