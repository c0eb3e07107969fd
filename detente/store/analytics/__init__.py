"""The analytics of the store, written once as Ibis expressions over ``store.ibis.table(name)``.

Every module here has two kinds of function:

- expression builders (names ending in ``_expr``) return an Ibis table expression; they are what
  another engine (an Ibis PySpark backend over the Parquet lake) or a derived table compiles;
- named queries (plain noun names) run an expression and return a ``pyarrow.Table`` (or a typed value).

Nothing outside :mod:`detente.store` builds expressions or SQL: :mod:`detente.measure`,
:mod:`detente.forecast` and :mod:`detente.sim` call the named queries and do their maths on Arrow/pandas.

- :mod:`.events`: events of a dyad, daily sums, sources, quarantine, actors
- :mod:`.index`: the relations index (weighted events, directed daily base, roll-ups per resolution)
- :mod:`.trust`: the trust inputs per dyad and period (events plus engagements)
- :mod:`.alerts`: what the alert signals read (candidate dyads, covered periods, ceasefire counts, triggers)
- :mod:`.dyads`: what a dyad report, tension and the brief read
- :mod:`.engagements`: engagements listed and counted
- :mod:`.explain`: what lies behind a dyad's trust (its engagements, its data coverage)
- :mod:`.coverage`: the latest day the loaded data really covers (the tension map's default day)
"""
