"""The App Home: what a person sees (their programs, profile, tips; the review queue and the
year's figures for the development team), and the help text shown for commands."""
