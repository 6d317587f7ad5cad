"""Cases (工单): the record of a call, its store of TOML files with their index, repeat calls and
the facts a case carries. The public names are re-exported by :mod:`core`."""
