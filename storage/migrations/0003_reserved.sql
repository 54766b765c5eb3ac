-- 0003: reserved for another issue's migration (continuity), which has not
-- landed on main yet. This no-op keeps the numbering contiguous so that 0004
-- loads; the branch that brings the real 0003 replaces this file (same number).
SELECT 1;
