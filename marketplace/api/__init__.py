"""The mobile app's JSON API under /api/v1: flask-smorest blueprints whose marshmallow
schemas validate the requests and responses and generate the OpenAPI 3.1 contract
(`/api/v1/openapi.json`, browsable at `/api/v1/docs`).

A web-layer package like the `views/` ones: it calls the services and flows of every
domain, and nothing imports it but the app factory (`views.init_api`) and the worker's
sweep. `views/` holds the blueprints and binds them; the modules here hold the machinery.
"""
