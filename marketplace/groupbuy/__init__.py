"""Group purchases between neighbours: a seller's campaign, price tiers by total quantity,
and the participants' orders; all or nothing at closing (see flows/group_purchases)."""
