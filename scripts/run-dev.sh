#!/usr/bin/env bash
# Development runner behind `make run`: mail sink and Stripe emulator, migrate, seed (demo
# helpers onboarded at the emulator), then web + worker (+ beat). Writes .flaskenv so that
# `flask ...` from a fresh shell uses the same settings. Honours DATABASE_URL,
# CELERY_BROKER_URL, STRIPE_*, MAIL_* and PAYOUT_DELAY_SECONDS when set.
# Ctrl-C (or TERM) stops everything within STOP_GRACE_SECONDS + 1 (measured: README).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FLASK_APP=wsgi
export ENTRAIDE_ENV=${ENTRAIDE_ENV:-development}
mkdir -p instance

WEB_HOST=${WEB_HOST:-127.0.0.1}
WEB_PORT=${WEB_PORT:-5000}
EMULATOR_PORT=${EMULATOR_PORT:-12111}
STOP_GRACE_SECONDS=${STOP_GRACE_SECONDS:-5}
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
# No SMTP server given: the local mail sink (its emails listed on /dev/mailbox).
if [[ -z "${MAIL_SERVER:-}" ]]; then
  export MAIL_SERVER=127.0.0.1 MAIL_PORT=${MAIL_PORT:-8025}
  USE_SINK=1
else
  USE_SINK=0
fi

# `flask ledger check` (any flask command) from another shell reads the same settings.
# Secrets of a real Stripe account are never written here.
{
  echo "# Written by scripts/run-dev.sh (make run): the settings of the running demo."
  echo "FLASK_APP=wsgi"
  echo "ENTRAIDE_ENV=$ENTRAIDE_ENV"
  echo "PUBLIC_BASE_URL=$PUBLIC_BASE_URL"
  echo "MAIL_SERVER=$MAIL_SERVER"
  echo "MAIL_PORT=${MAIL_PORT:-8025}"
  for name in DATABASE_URL CELERY_BROKER_URL PAYOUT_DELAY_SECONDS; do
    if [[ -n "${!name:-}" ]]; then echo "$name=${!name}"; fi
  done
  if [[ $USE_EMULATOR == 1 ]]; then
    echo "STRIPE_SECRET_KEY=$STRIPE_SECRET_KEY"
    echo "STRIPE_WEBHOOK_SECRET=$STRIPE_WEBHOOK_SECRET"
    echo "STRIPE_API_BASE=$STRIPE_API_BASE"
  fi
} > .flaskenv

# Each process runs in its own process group (setsid), so a stop reaches the Celery pool's
# children and the beat process too; whatever ignores TERM is killed after the grace.
pids=()
start() { setsid "$@" & pids+=($!); }
alive() { local p; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
cleanup() {
  trap - INT TERM EXIT
  local began=$SECONDS
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq $((STOP_GRACE_SECONDS * 10))); do alive || break; sleep 0.1; done
  if alive; then
    echo "Still running after ${STOP_GRACE_SECONDS}s: killing what is left."
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  fi
  wait 2>/dev/null || true
  echo "Stopped in $((SECONDS - began))s."
}
trap cleanup INT TERM EXIT

wait_port() {  # host port: until something listens (10 s at most)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1:$2" >&2; return 1
}

if [[ $USE_SINK == 1 ]]; then
  start $BIN/python scripts/mail_sink.py --host 127.0.0.1 --port "$MAIL_PORT" \
    --dir instance/mailbox
fi
if [[ $USE_EMULATOR == 1 ]]; then
  start $BIN/python -m stripe_emulator --host 127.0.0.1 --port "$EMULATOR_PORT" \
    --webhook-url "$PUBLIC_BASE_URL/stripe/webhook" --webhook-secret "$STRIPE_WEBHOOK_SECRET" \
    --state-file instance/stripe-emulator.json
  wait_port 127.0.0.1 "$EMULATOR_PORT"
fi

$BIN/flask db upgrade
$BIN/flask seed-demo  # onboards the demo helpers at the emulator (it must be up)

start $BIN/celery -A workers.celery_app worker -B -Q entraide -c 2 -l INFO \
  --schedule instance/celerybeat-schedule
start $BIN/flask run --host "$WEB_HOST" --port "$WEB_PORT"

sleep 3
cat <<MSG

  Entraide is running on $PUBLIC_BASE_URL
  Stripe: $([[ $USE_EMULATOR == 1 ]] && echo "emulator on $STRIPE_API_BASE (test card 4242 4242 4242 4242)" || echo "Stripe API with your keys")
  Operator console: $PUBLIC_BASE_URL/ops/commissions
  Email: $([[ $USE_SINK == 1 ]] && echo "mailbox on $PUBLIC_BASE_URL/dev/mailbox (also printed here)" || echo "sent to $MAIL_SERVER")
  Helpers are paid ${PAYOUT_DELAY_SECONDS:-120} s after capture (PAYOUT_DELAY_SECONDS).
  Demo logins are listed above (password: entraide-demo-2026). Ctrl-C stops everything.

MSG
wait -n "${pids[@]}"
