"""Use cases of group purchases, each moving orders and their money together.

- `campaigns`: open (with the commission snapshot), edit, cancel a campaign.
- `joining`: join, change quantity, withdraw, pay again after a failed hold, card returns.
- `closing`: close exactly once, settle (capture at the final price or release all),
  off-session holds before closing, drop who did not pay in 24 h and check the minimum again.
- `after`: handover by the seller / receipt by the participant, the seller's payout, and
  pickup reminders.
- `disputes`: a participant who did not get the goods; an operator refunds or splits.
"""
