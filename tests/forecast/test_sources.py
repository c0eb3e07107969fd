"""Code crosswalks and names used by the panels and the rankings."""

from __future__ import annotations

import pandas as pd

from detente.forecast.sources import gw_to_cow, names
from detente.store import Store


def test_gw_to_cow_differs_only_where_the_lists_differ() -> None:
    gw = pd.Series([260, 260, 678, 678, 340, 815, 2, 365, 970])
    year = pd.Series([1985, 1995, 1985, 1995, 2010, 2000, 2000, 2000, 2000])
    assert gw_to_cow(gw, year).tolist() == [260, 255, 678, 679, 345, 816, 2, 365, 946]


def test_names_follow_the_year(store: Store) -> None:
    assert names(store, 2015)[365] == "Russia"
    assert names(store, 1980)[365] == "Soviet Union"
    assert names(store)[2] == "United States of America"
