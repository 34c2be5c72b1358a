"""Loopback demo servers. `base` holds the shared server and handler; one module per register.

* `demo.servers.brp`: BRP API Personen 2.x (`POST /personen`), see `start_brp_server`;
* `demo.servers.kvk`: KVK Zoeken, Basisprofiel and Vestigingsprofiel, see `start_kvk_server`;
* `demo.servers.zaken`: ZGW Zaken 1.5 and Catalogi 1.3 on one port, see `start_zaken_server`;
* `demo.servers.klantinteracties`: Open Klant Klantinteracties and Contactgegevens, see
  `start_klantinteracties_server`;
* `demo.servers.objecten`: Objects API 2.x, see `start_objecten_server`;
* `demo.servers.bag`: BAG Individuele Bevragingen 2.x addresses, see `start_bag_server`;
* `demo.servers.generic`: an invented municipal inkomensregister, see `start_generic_server`.

`manage.py demo` starts all seven; their data share the cast of `demo/universe.py`.
"""
