"""Design registrations, conflicts and design-win sell-through."""
