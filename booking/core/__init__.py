"""What every feature shares: errors, roles and guards, time, languages, tokens, security."""
