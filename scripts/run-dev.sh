#!/usr/bin/env bash
# Development runner behind `make run`: migrate, seed, then web + worker + Stripe emulator.
# Honours DATABASE_URL, CELERY_BROKER_URL, STRIPE_* and MAIL_* when set; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FLASK_APP=wsgi
mkdir -p instance

WEB_HOST=${WEB_HOST:-127.0.0.1}
WEB_PORT=${WEB_PORT:-5000}
EMULATOR_PORT=${EMULATOR_PORT:-12111}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$WEB_HOST:$WEB_PORT}

# No real Stripe key given: talk to the bundled emulator (never in production).
if [[ -z "${STRIPE_SECRET_KEY:-}" || "${STRIPE_SECRET_KEY}" == "sk_test_emulator" ]]; then
  export STRIPE_SECRET_KEY=sk_test_emulator
  export STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK_SECRET:-whsec_entraide_emulator}
  export STRIPE_API_BASE=${STRIPE_API_BASE:-http://127.0.0.1:$EMULATOR_PORT}
  USE_EMULATOR=1
else
  USE_EMULATOR=0
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$BIN/flask db upgrade
$BIN/flask seed-demo

# No SMTP server given: a local mail sink prints every email (sign-up links included).
if [[ -z "${MAIL_SERVER:-}" ]]; then
  $BIN/python scripts/mail_sink.py --host 127.0.0.1 --port "${MAIL_PORT:-8025}" &
  pids+=($!)
fi

if [[ $USE_EMULATOR == 1 ]]; then
  $BIN/python -m stripe_emulator --host 127.0.0.1 --port "$EMULATOR_PORT" \
    --webhook-url "$PUBLIC_BASE_URL/stripe/webhook" --webhook-secret "$STRIPE_WEBHOOK_SECRET" \
    --state-file instance/stripe-emulator.json &
  pids+=($!)
fi
$BIN/celery -A workers.celery_app worker -B -Q entraide -c 2 -l INFO \
  --schedule instance/celerybeat-schedule &
pids+=($!)
$BIN/flask run --host "$WEB_HOST" --port "$WEB_PORT" &
pids+=($!)

sleep 3
cat <<MSG

  Entraide is running on $PUBLIC_BASE_URL
  Stripe: $([[ $USE_EMULATOR == 1 ]] && echo "emulator on $STRIPE_API_BASE (test card 4242 4242 4242 4242)" || echo "Stripe API with your keys")
  Operator console: $PUBLIC_BASE_URL/ops/commissions
  Email: $([[ -z "${MAIL_SERVER:-}" ]] && echo "printed in this terminal by the mail sink (sign-up confirmation links too)" || echo "sent to $MAIL_SERVER")
  Demo logins are listed above (password: entraide-demo-2026). Ctrl-C stops everything.

MSG
wait -n "${pids[@]}"
