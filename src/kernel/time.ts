/** A time from the control plane as UTC ISO-8601 on the wire, or null when there is none. */
export const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);
