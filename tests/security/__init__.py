"""Security suites: the authorization matrix over the URL map, form and webhook fuzzing."""
