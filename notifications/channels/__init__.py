"""One module per service: its options (a `ChannelOptions` subclass) and `build`, which turns
an event into the service's real request format. `CHANNEL` is what the registry lists."""
