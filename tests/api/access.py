"""Which screen each API operation answers like (tests/accounts/test_access_walk.py ACCESS): the API walk
(tests/api/test_access_walk_api.py) checks that the same people are let in and refused."""

# API url name (as the access walk names it) -> (method, the screen whose rule it follows)
API_ACCESS = {
    "api-json:strategy_list": ("get", "aims:strategy_list"),
    "api-json:strategy_detail": ("get", "aims:strategy_detail"),
    "api-json:aim_list": ("get", "aims:strategy_detail"),
    "api-json:theme_list": ("get", "aims:strategy_detail"),
    "api-json:period_list": ("get", "aims:strategy_detail"),
    "api-json:deliverable_list": ("get", "aims:strategy_detail"),
    "api-json:deliverable_detail": ("get", "aims:deliverable_detail"),
    "api-json:update_list": ("get", "aims:deliverable_detail"),
    "api-json:update_save": ("put", "aims:progress_update"),
    "api-json:update_submit": ("post", "aims:progress_update_check"),
    "api-json:indicator_list": ("get", "indicators:indicator_list"),
    "api-json:indicator_detail": ("get", "indicators:indicator_detail"),
    "api-json:actual_save": ("put", "indicators:actual_record"),
    "api-json:actual_submit": ("post", "indicators:actual_check"),
}
# The OpenAPI description, for anyone; the API's root is no page (404 in the error shape).
API_PUBLIC = {"api-json:openapi-json", "api-json:api-root"}
