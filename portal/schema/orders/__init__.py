"""Partner orders: supply stock, availability, reservations, orders and shipping notices."""
