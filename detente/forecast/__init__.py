"""Early warning: panels from the store, forecast models, rolling-origin backtests, explanations, artefacts.

``sources`` reads the peace-science panels and engagements from the store; ``panels`` builds lagged
dyad-year and country-year features; ``models`` holds the baselines and models (a registry);
``backtest`` trains on years before t and forecasts t; ``explain`` ranks, explains and estimates
engagement associations; ``artefacts`` and ``plot`` save versioned runs. See docs/forecast.md.
"""

from __future__ import annotations
