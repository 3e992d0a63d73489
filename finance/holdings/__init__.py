"""Holdings: clients, portfolios, instruments, the transaction ledger, prices and FX (financial assets under
management). Nested in finance; its app label is `holdings`."""
