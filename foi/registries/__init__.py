"""Public registries of authorities (NHS ODS, WhatDoTheyKnow) read over HTTP.

The seam: `http.RegistryClient` is the only thing here that talks to the network (politely:
a User-Agent naming foitrack, a rate limit, retries with backoff, a cache in the workspace);
`ods` and `wdtk` turn what the services answer into `records.RegistryRecord`s and reply
documents, and know nothing of the warehouse. Callers (flows/steps/registries.py) store them.

    with RegistryClient(user_agent(contact), per_second=4, cache=CacheDir(home / "cache")) as c:
        records = fetch_organisations(c, ods.ODS_URL, ["ccg"], as_of=date(2016, 4, 1))
"""
