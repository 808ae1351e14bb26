"""What devices send and read: the put-by-UUID protocol, walks and observations, conflicts,
and downloads."""
