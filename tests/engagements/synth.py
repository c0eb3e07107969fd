"""Small synthetic files in each engagement dataset's real layout, for bad-input tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd


def mme_frame() -> pd.DataFrame:
    states = {f"State{c}": [None, None, None] for c in "ABCDEF"}
    states["StateA"] = ["Netherlands", "Egypt", "Norway"]
    states["StateB"] = ["United Kingdom", "United States", "Atlantis"]
    states["StateC"] = ["United States", None, None]
    return pd.DataFrame(
        {
            "MMEID": ["mme1", "mme2", "mme3"],
            "Ex_Name": ["Readex 1-80", "Bright Star", "Nowhere"],
            "Series_Name": ["Readex", None, None],
            "Location": ["Vieques", "Egypt", "Norway"],
            "lat": [18.1, 26.8, 60.0],
            "lon": [-65.4, 30.8, 10.0],
            "s.year": [1980, 1981, 1982],
            "s.month": [1, 11, 3],
            "s.day": ["14", "xx", "2"],
            "e.year": [1980, 1981, 1982],
            "e.month": [1, 11, 3],
            "e.day": ["21", "xx", "9"],
            "CPX": [0, 0, 0],
            "Sea": [1, 0, 0],
            "Land": [0, 1, 1],
            "FocusDescription": ["war at sea", None, None],
            "AdditionalParticipantInfo": [None, None, None],
            **states,
        }
    )


def jme_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Coder": ["A", "A", "A"],
            "Exercise Name": ["Midlink 74", "Snow Time", "Lonely"],
            "Location1": ["Indian Ocean", "Canada", "Nowhere"],
            "Location2": ["Arabian Sea", None, None],
            "Start Date": ["11/xx/1974", "1/7/1975", "2/2/1976"],
            "s.year": [1974.0, 1975.0, 1976.0],
            "s.month": ["11", "1", "2"],
            "s.day": ["xx", "7", "2"],
            "enddate": ["11/30/1974", "1/8/1975", "2/3/1976"],
            "e.year": ["1974", "1975", "1976"],
            "e.month": ["11", "1", "2"],
            "e.day": ["30", "8", "3"],
            "JME Type": ["FTX", "FTX", None],
            "State A": ["USA", "USA", "USA"],
            "State B": ["TUR", "CAN", "XYZ"],
            "State C": ["PAK", None, None],
        }
    )


def visits_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Title": ["Secretary of the Army", "PACOM"],
            "Name": ["A. Person", "B. Person"],
            "Start Day": [21, 3],
            "Start Month": [4, 5],
            "Start Year": [2012, 2010],
            "City Visited": [None, "Tokyo"],
            "State Visit": ["JPN", "JPN"],
            "End Day": [28, 4],
            "End Month": [4, 5],
            "End Year": [2012, 2010],
        }
    )


def pko_frame() -> pd.DataFrame:
    months = pd.date_range("1997-01-01", periods=3, freq="MS")
    return pd.DataFrame(
        {
            "ccode": [90, 90, 90, 999],
            "location": ["Guatemala"] * 3 + ["Atlantis"],
            "conflictid": [233, 233, 233, 1],
            "episodenum": [1, 1, 1, 1],
            "date": [*months, months[0]],
            "year": [1997] * 4,
            "missionid": [90050.0, 90050.0, 90050.0, 999001.0],
            "mission": ["MINUGUA", "MINUGUA", "MINUGUA", "UNATL"],
            "org": [1.0, 1.0, 1.0, 1.0],
            "onlypolice": [0.0, 0.0, 0.0, 0.0],
            "troops_iepo": [0.0, 5.0, 3.0, 1.0],
            "police_iepo": [51.0, 52.0, 50.0, 1.0],
            "observers_iepo": [20.0, 20.0, 20.0, 1.0],
            "totals_iepo": [71.0, 77.0, 73.0, 3.0],
        }
    )


def tpkm_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "OBSNUM": [1, 2],
            "STATE": ["Netherlands/Dutch East Indies", "Atlantis"],
            "CCODE1": [210, 999],
            "TPTYPE": [1, 3],
            "PKMNAME (location)": ["United Nations Good Offices Committee (UNGOC)", "Nowhere mission"],
            "LEADSTATE": ["USA", "India"],
            "CCODE2": [2.0, 750.0],
            "STARTDAY": [1, 1],
            "STARTMON": [9, 1],
            "STARTYR": [1947, 1990],
            "ENDDAY": [28.0, None],
            "ENDMON": [1.0, None],
            "ENDYR": [1949.0, None],
            "ONGOING": [0, 1],
        }
    )


def pax_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Con": ["Bosnia and Herzegovina/Yugoslavia (former)", "Mozambique", "Somaliland"],
            "Contp": ["Government/territory", "Government", "Territory"],
            "PPName": ["Bosnia peace process", "Mozambique process", "Somaliland process"],
            "Reg": ["Europe and Eurasia", "Africa (excl MENA)", "Africa (excl MENA)"],
            "AgtId": [389, 256, 9999],
            "Agt": ["General Framework Agreement (Dayton)", "Agreement on a Partial Ceasefire", "Local accord"],
            "Dat": ["1995-11-21", "1990-12-01", "2001-01-01"],
            "Status": ["Multiparty signed/agreed"] * 3,
            "Agtp": ["Intra", "Intra", "IntraLocal"],
            "Stage": ["SubComp", "Cea", "Pre"],
            "StageSub": ["FrAg", "Ceas", "Proc"],
            "Part": ["Republic of Bosnia and Herzegovina; Republic of Croatia, Federal Republic of Yugoslavia",
                     "For the delegation of GRM; for RENAMO", "Clan elders"],
            "ThrdPart": ["witnessed by the United States of America, the French Republic", None, None],
        }
    )  # fmt: skip


def ucdp_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "PAID": [5521979122101, 3461995121401],
            "GWNO": ["552", "346, 344"],
            "CID": [122, 200],
            "Name": ["Zimbabwe (Rhodesia): government", "Bosnia-Herzegovina: Serb"],
            "DyadName": ["Government of Zimbabwe - PF", "Government of Bosnia - Serb Republic"],
            "pa_name": ["Lancaster House Agreement", "Dayton Agreement"],
            "Year": [1979, 1995],
            "pa_date ": [dt.datetime(1979, 12, 21), dt.datetime(1995, 12, 14)],
            "pa_3rd": ["UK/Lord Carrington", "USA, Russia"],
            "cease": [1, 1],
        }
    )


def cwm_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["Sierra Leone", "Philippines", "Mozambique"],
            "sidea": ["Sierra Leone", "Philippines", "Mozambique"],
            "sideb": ["RUF", "CPP", "Renamo"],
            "Med_yes.no": ["1", "0", "1"],
            "year_term": ["2000", "2009", "1992"],
            "Incompatibility": ["1", "1", "1"],
            "territory": ["Sierra Leone", "Philippines", "Mozambique"],
            "episode.start.date": ["4/1/91", "9/13/99", "1/1/77"],
            "episode.end.date": ["11/10/00", None, "10/4/92"],
            "med.begins": ["2/21/99", None, "5/18/91"],
            "med.ends": ["5/28/00", None, "5/29/91"],
            "name.of.third.party": ["ECOWAS, Norway", None, "USA Assistant Secretary of State Herman Cohen"],
        }
    )


def sipri_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2007.0, 2008.0, 1977.0, 1990.0],
            "sender": ["Czechia", "Czechia", "France", "Atlantis"],
            "ccode1": [316.0, 316.0, 220.0, 999.0],
            "receiver": ["Afghanistan", "Afghanistan", "Malawi", "Malawi"],
            "ccode2": [700.0, 700.0, 553.0, 553.0],
            "value": [13.0, 0.0, 4.0, 2.0],
        }
    )


FRAMES = {
    "mme": (mme_frame, "mme.csv"),
    "jme": (jme_frame, "jme.xlsx"),
    "us_visits": (visits_frame, "visits.xlsx"),
    "pko": (pko_frame, "pko.dta"),
    "tpkm": (tpkm_frame, "tpkm.xlsx"),
    "pax": (pax_frame, "pax.xlsx"),
    "ucdp_pa": (ucdp_frame, "ucdp.xlsx"),
    "cwm": (cwm_frame, "cwm.csv"),
    "sipri": (sipri_frame, "sipri.rds"),
}


def write(df: pd.DataFrame, path: Path, **kw: Any) -> Path:
    """Write ``df`` in the format ``path``'s suffix names."""
    if path.suffix == ".csv":
        enc = kw.get("encoding", "utf-8")
        path.write_bytes(df.to_csv(index=False).encode(enc))
    elif path.suffix == ".xlsx":
        df.to_excel(path, index=False, engine="openpyxl")
    elif path.suffix == ".dta":
        df.to_stata(path, write_index=False)
    elif path.suffix == ".rds":
        import pyreadr

        pyreadr.write_rds(str(path), df)
    else:  # pragma: no cover
        raise ValueError(path)
    return path


def make(name: str, tmp: Path, df: pd.DataFrame | None = None) -> Path:
    fn, fname = FRAMES[name]
    return write(fn() if df is None else df, tmp / fname)
