-- 0008: document numbers of the statutory papers ("Số: 12/TNHS"). Each
-- series (TNHS receipts, HDHS supplement requests, TCHS refusals, PXL
-- apologies…) is numbered per year and, like dossier codes, partitioned by
-- station K/N so that counters of one office never print the same number
-- while they cannot reach each other (station K takes K, K+N, K+2N, …).

-- paper_seq: the next index of a station's partition of a series' year.
CREATE TABLE paper_seq (
    series     TEXT    NOT NULL CHECK (length(series) BETWEEN 1 AND 16),
    year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    station_k  INTEGER NOT NULL CHECK (station_k >= 1),
    station_n  INTEGER NOT NULL CHECK (station_n >= station_k),
    next_index INTEGER NOT NULL CHECK (next_index >= 1),
    PRIMARY KEY (series, year, station_k, station_n)
) STRICT;

-- paper_numbers: the number a dossier's paper of a series was given; a
-- reprint shows the same number.
CREATE TABLE paper_numbers (
    dossier_code TEXT    NOT NULL REFERENCES dossiers (code),
    series       TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    issued_at    INTEGER NOT NULL,
    PRIMARY KEY (dossier_code, series),
    UNIQUE (series, year, number)
) STRICT;
