-- 0002: reserved for another issue's migration, which has not landed on main
-- yet. This no-op keeps the numbering contiguous so that 0003 loads; the
-- branch that brings the real 0002 replaces this file (same number).
SELECT 1;
