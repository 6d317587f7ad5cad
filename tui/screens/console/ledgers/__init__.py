"""Ledger entry (台账录入): the console's page for collections, invoices, receipts, IOUs,
settlements and stock movements, each through a form that checks as the ledger does
(:mod:`~tui.screens.console.ledgers.page`, :mod:`.forms`, :mod:`.kinds`), a supermarket's invoice
imported from its file (:mod:`.importing`), and the settlement run (:mod:`.settle`)."""
