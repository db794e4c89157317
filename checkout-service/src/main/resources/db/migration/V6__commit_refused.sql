-- ADR 16: inventory answers a commit only when it refuses it, and the refused line is kept for the invariants.
ALTER TABLE checkout_lines DROP CONSTRAINT checkout_lines_state_check;
ALTER TABLE checkout_lines ADD CONSTRAINT checkout_lines_state_check
    CHECK (state IN ('REQUESTED', 'RESERVED', 'REJECTED', 'COMMIT_REQUESTED', 'COMMITTED', 'COMMIT_REFUSED',
                     'RELEASE_REQUESTED', 'RELEASED'));
