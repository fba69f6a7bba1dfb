import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Payment, Quote, Session } from '../../src-shared/contracts/entities.js';
import { call, isApiError } from '../api/client.js';
import { CameraPanel } from '../components/CameraPanel.js';
import { TextField } from '../components/Field.js';
import { Keypad } from '../components/Keypad.js';
import { QrImage } from '../components/QrImage.js';
import { ResultBanner } from '../components/ResultBanner.js';
import { InvoiceSummary } from '../components/InvoiceSummary.js';
import { ShiftCard } from '../components/ShiftCard.js';
import { errorCode, errorHeadline, errorText, useT } from '../i18n/index.js';
import { useKioskEvent } from '../lib/events.js';
import { formatCountdown, formatDateTime, formatDuration, formatINR, rupeesToPaise } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useKeyboardWedge } from '../lib/use-wedge.js';
import { kioskNow, useConnectivity } from '../stores/connectivity.js';
import { useLanguage } from '../stores/language.js';
import { useSession } from '../stores/session.js';
import { useShift } from '../stores/shift.js';
import { canTakePayment } from '../stores/ui.js';
import { normaliseVehicle } from './EntryScreen.js';

interface Billing {
  quote: Quote;
  session: Session | null;
  lost: boolean;
}

type Stage =
  | { s: 'idle' }
  | { s: 'lost' }
  | ({ s: 'quote' } & Billing)
  | ({ s: 'cash'; tendered: string } & Billing)
  | ({ s: 'online'; payment: Payment } & Billing)
  | { s: 'gate'; session: Session | null; reason: 'ZERO_DUE' | 'PAID'; paidPaise: number; changePaise: number | null }
  | { s: 'error'; error: unknown };

const POLL_MS = 2000;

function pick(b: Billing): Billing {
  return { quote: b.quote, session: b.session, lost: b.lost };
}
const NOTES = [50, 100, 200, 500, 2000];

/** Round-up amounts a driver is likely to hand over (in paise), after the exact amount. */
export function likelyTenders(duePaise: number): number[] {
  const out: number[] = [];
  for (const note of NOTES) {
    const v = Math.ceil(duePaise / (note * 100)) * note * 100;
    if (v > duePaise && !out.includes(v)) out.push(v);
  }
  return out.slice(0, 3);
}

export function ExitScreen({ camera = true }: { camera?: boolean }) {
  const t = useT();
  const role = useSession((s) => s.operator?.role ?? 'ATTENDANT');
  const cashier = canTakePayment(role);
  const [stage, setStage] = useState<Stage>({ s: 'idle' });
  const [busy, setBusy] = useState(false);
  const [manual, setManual] = useState('');
  const [scanSeq, setScanSeq] = useState(0);
  const [lastCode, setLastCode] = useState('');
  const [onlineBlocked, setOnlineBlocked] = useState<string | null>(null);
  const busyRef = useRef(false);
  const stageRef = useRef(stage);
  stageRef.current = stage;

  const openGate = useCallback(async (sessionId: string, reason: 'ZERO_DUE' | 'PAID', paidPaise: number) => {
    try {
      const session = await call('gate.completeExit', { sessionId });
      sounds.success();
      setStage({ s: 'gate', session, reason, paidPaise, changePaise: null });
    } catch (error) {
      if (isApiError(error) && error.code === 'ALREADY_EXITED') {
        sounds.success();
        setStage({ s: 'gate', session: null, reason, paidPaise, changePaise: null });
        return;
      }
      sounds.failure();
      setStage({ s: 'error', error });
    }
  }, []);

  const bill = useCallback(
    async (load: () => Promise<Quote>, lost: boolean) => {
      if (busyRef.current) return;
      busyRef.current = true;
      setBusy(true);
      setOnlineBlocked(null);
      try {
        const quote = await load();
        const session = await call('sessions.get', { sessionId: quote.sessionId }).catch(() => null);
        if (quote.amountDuePaise === 0) {
          await openGate(quote.sessionId, 'ZERO_DUE', 0);
        } else {
          sounds.tap();
          setStage({ s: 'quote', quote, session, lost });
        }
      } catch (error) {
        sounds.failure();
        setStage({ s: 'error', error });
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [openGate],
  );

  const scan = useCallback(
    (raw: string) => {
      const code = raw.trim();
      const cur = stageRef.current.s;
      // A payment in progress is never replaced by a stray scan.
      if (!code || cur === 'cash' || cur === 'online') return;
      setScanSeq((n) => n + 1);
      setLastCode(code);
      void bill(() => call('gate.quoteExit', { code }), false);
    },
    [bill],
  );

  useKeyboardWedge(scan);

  const submitManual = (e: FormEvent) => {
    e.preventDefault();
    const code = manual;
    setManual('');
    scan(code);
  };

  return (
    <div className="screen screen-exit">
      <div className="col col-scan">
        <h1 className="screen-title">{t('exit.scanTitle')}</h1>
        {camera && <CameraPanel onCode={scan} />}
        <div className="ready" data-testid="scan-ready">
          <span className="ready-dot" aria-hidden="true" />
          {t('scan.wedgeReady')}
        </div>
        <form className="inline-form" onSubmit={submitManual}>
          <TextField label={t('scan.code')} value={manual} onValue={setManual} autoComplete="off" spellCheck={false} />
          <button type="submit" className="btn btn-primary" disabled={!manual.trim() || busy}>
            {t('exit.manualSubmit')}
          </button>
        </form>
        {cashier && <ShiftCard />}
        {cashier && (stage.s === 'idle' || stage.s === 'error' || stage.s === 'gate') && (
          <button type="button" className="btn btn-secondary btn-block" onClick={() => setStage({ s: 'lost' })}>
            {t('exit.lostOpen')}
          </button>
        )}
      </div>
      <div className="col col-side" data-scan-seq={scanSeq} data-code={lastCode}>
        {busy ? (
          <ResultBanner kind="info" title={t('scan.working')} />
        ) : (
          <ExitPanel
            stage={stage}
            setStage={setStage}
            cashier={cashier}
            openGate={openGate}
            onlineBlocked={onlineBlocked}
            setOnlineBlocked={setOnlineBlocked}
            onLost={(vehicle) => void bill(() => call('gate.lostTicket', { vehicleNumber: vehicle }), true)}
            scanSeq={scanSeq}
            code={lastCode}
          />
        )}
      </div>
    </div>
  );
}

interface PanelProps {
  stage: Stage;
  setStage(s: Stage): void;
  cashier: boolean;
  openGate(sessionId: string, reason: 'ZERO_DUE' | 'PAID', paidPaise: number): Promise<void>;
  onlineBlocked: string | null;
  setOnlineBlocked(reason: string | null): void;
  onLost(vehicle: string): void;
  scanSeq: number;
  code: string;
}

function ExitPanel(p: PanelProps) {
  const t = useT();
  const { stage } = p;
  switch (stage.s) {
    case 'idle':
      return (
        <div className="placeholder" data-testid="exit-idle">
          <div className="placeholder-icon" aria-hidden="true">⌁</div>
          <p>{t('exit.scanTitle')}</p>
        </div>
      );
    case 'lost':
      return <LostTicketForm onFind={p.onLost} onCancel={() => p.setStage({ s: 'idle' })} />;
    case 'error':
      return (
        <ResultBanner
          kind="error"
          title={t('exit.failTitle')}
          big={errorHeadline(t, stage.error)}
          errorCode={errorCode(stage.error)}
          lines={[errorText(t, stage.error)]}
          scanSeq={p.scanSeq}
          code={p.code}
        />
      );
    case 'gate':
      return <GateOpen stage={stage} onNext={() => p.setStage({ s: 'idle' })} scanSeq={p.scanSeq} code={p.code} />;
    case 'quote':
      return <QuotePanel {...p} billing={stage} />;
    case 'cash':
      return <CashPanel billing={stage} tendered={stage.tendered} setStage={p.setStage} />;
    case 'online':
      return (
        <OnlinePanel
          billing={stage}
          payment={stage.payment}
          setStage={p.setStage}
          openGate={p.openGate}
        />
      );
  }
}

function QuoteFacts({ billing }: { billing: Billing }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { quote, session, lost } = billing;
  return (
    <div className="quote" data-testid="quote">
      <dl className="facts">
        {session && (
          <>
            <dt>{t('exit.vehicle')}</dt>
            <dd className="facts-strong" data-testid="quote-vehicle">{session.vehicleNumber}</dd>
          </>
        )}
        <dt>{t('exit.zoneSlot')}</dt>
        <dd>
          {session?.zoneName ?? '—'} / {quote.slotNumber}
        </dd>
        <dt>{t('exit.entered')}</dt>
        <dd>{formatDateTime(quote.entryAt, lang)}</dd>
        <dt>{t('exit.duration')}</dt>
        <dd data-testid="quote-duration">{formatDuration(quote.durationSeconds, t)}</dd>
        <dt>{t('exit.billable')}</dt>
        <dd data-testid="quote-hours">{quote.billableHours}</dd>
        <dt>{t('exit.fee')}</dt>
        <dd>{formatINR(quote.feePaise ?? quote.amountDuePaise)}</dd>
        {(lost || (quote.lostTicketFeePaise ?? 0) > 0) && (
          <>
            <dt>{t('exit.lostFee')}</dt>
            <dd>{formatINR(quote.lostTicketFeePaise ?? 0)}</dd>
          </>
        )}
        {(quote.amountPaidPaise ?? 0) > 0 && (
          <>
            <dt>{t('exit.alreadyPaid')}</dt>
            <dd>{formatINR(quote.amountPaidPaise)}</dd>
          </>
        )}
      </dl>
      <div className="amount-due">
        <span className="amount-due-label">{t('exit.amountDue')}</span>
        <span className="amount-due-value" data-testid="amount-due">{formatINR(quote.amountDuePaise)}</span>
      </div>
    </div>
  );
}

function QuotePanel(p: PanelProps & { billing: Billing }) {
  const t = useT();
  const online = useConnectivity((s) => s.online && s.reachable !== false);
  const [starting, setStarting] = useState(false);
  const shiftOpen = useShift((s) => s.shift !== null);
  const { billing } = p;
  const offlineReason = !online ? t('exit.kioskOffline') : p.onlineBlocked;

  const startOnline = async () => {
    setStarting(true);
    try {
      const payment = await call('gate.startOnlinePayment', { sessionId: billing.quote.sessionId });
      p.setStage({ ...pick(billing), s: 'online', payment });
    } catch (error) {
      sounds.failure();
      if (isApiError(error) && error.code === 'OFFLINE') p.setOnlineBlocked(error.message || t('exit.kioskOffline'));
      else p.setOnlineBlocked(errorText(t, error));
    } finally {
      setStarting(false);
    }
  };

  return (
    <section className="card pay-card" aria-labelledby="quote-title">
      <h2 id="quote-title" className="card-title">
        {t('exit.quoteTitle')}
        {billing.lost && <span className="tag tag-warn">{t('exit.lostNote')}</span>}
      </h2>
      <QuoteFacts billing={billing} />
      {p.cashier ? (
        <div className="pay-actions" role="group" aria-label={t('exit.payWith')}>
          <button type="button" className="btn btn-cash btn-xl" disabled={!shiftOpen} onClick={() => p.setStage({ ...pick(billing), s: 'cash', tendered: '' })} aria-describedby={shiftOpen ? undefined : 'cash-unavailable'}>
            ₹ {t('exit.payCash')}
          </button>
          <button type="button" className="btn btn-online btn-xl" disabled={Boolean(offlineReason) || starting} onClick={() => void startOnline()} aria-describedby={offlineReason ? 'online-unavailable' : undefined}>
            {t('exit.payOnline')}
          </button>
          {!shiftOpen && (
            <p id="cash-unavailable" className="notice notice-warn" data-testid="shift-needed">
              {t('shift.needed')}
            </p>
          )}
          {offlineReason && (
            <p id="online-unavailable" className="notice notice-warn" data-testid="online-unavailable">
              {t('exit.onlineUnavailable', { reason: offlineReason })}
            </p>
          )}
        </div>
      ) : (
        <p className="notice notice-warn" role="status" data-testid="needs-cashier">
          {t('exit.needsCashier')}
        </p>
      )}
    </section>
  );
}

function CashPanel({ billing, tendered, setStage }: { billing: Billing; tendered: string; setStage(s: Stage): void }) {
  const t = useT();
  const due = billing.quote.amountDuePaise;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tenderedPaise = rupeesToPaise(tendered || '0') ?? 0;
  const change = tenderedPaise - due;
  const set = (v: string) => setStage({ ...pick(billing), s: 'cash', tendered: v.replace(/^0+(?=\d)/, '').slice(0, 7) });

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('gate.payCash', { sessionId: billing.quote.sessionId, tenderedPaise });
      sounds.success();
      setStage({ s: 'gate', session: r.session, reason: 'PAID', paidPaise: r.payment.amountPaise, changePaise: r.changePaise });
    } catch (e) {
      sounds.failure();
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card pay-card" aria-labelledby="cash-title">
      <h2 id="cash-title" className="card-title">{t('exit.cashTitle')}</h2>
      <div className="amount-due amount-due-compact">
        <span className="amount-due-label">{t('exit.amountDue')}</span>
        <span className="amount-due-value" data-testid="amount-due">{formatINR(due)}</span>
      </div>
      <div className="cash-grid">
        <div>
          <TextField label={t('exit.tendered')} value={tendered} onValue={(v) => set(v.replace(/[^\d]/g, ''))} inputMode="numeric" autoComplete="off" className="field-money" />
          <div className="quick-tenders">
            <button type="button" className="btn btn-secondary" onClick={() => set(String(Math.ceil(due / 100)))}>
              {t('exit.exact')}
            </button>
            {likelyTenders(due).map((v) => (
              <button key={v} type="button" className="btn btn-secondary" onClick={() => set(String(v / 100))}>
                {formatINR(v)}
              </button>
            ))}
          </div>
          <div className={`change ${change >= 0 ? 'change-ok' : 'change-short'}`} data-testid="change" aria-live="polite">
            <span className="change-label">{change >= 0 ? t('exit.change') : t('exit.short', { amount: formatINR(-change) })}</span>
            {change >= 0 && <span className="change-value" data-testid="change-value">{formatINR(change)}</span>}
          </div>
        </div>
        <Keypad label={t('exit.keypad')} onKey={(k) => set(tendered + k)} onBackspace={() => set(tendered.slice(0, -1))} onClear={() => set('')} extraKey="00" />
      </div>
      {error !== null && (
        <div className="notice notice-error" role="alert">
          {errorText(t, error)}
        </div>
      )}
      <div className="pay-actions">
        <button type="button" className="btn btn-secondary btn-lg" onClick={() => setStage({ ...pick(billing), s: 'quote' })}>
          {t('common.back')}
        </button>
        <button type="button" className="btn btn-go btn-xl" disabled={busy || change < 0} onClick={() => void confirm()}>
          {t('exit.confirmCash', { amount: formatINR(tenderedPaise) })}
        </button>
      </div>
    </section>
  );
}

function OnlinePanel({ billing, payment, setStage, openGate }: { billing: Billing; payment: Payment; setStage(s: Stage): void; openGate: PanelProps['openGate'] }) {
  const t = useT();
  const [now, setNow] = useState(() => kioskNow());
  const [retrying, setRetrying] = useState(false);
  const done = useRef(false);
  const paymentRef = useRef(payment);
  paymentRef.current = payment;

  const update = useCallback(
    (p: Payment) => {
      if (done.current) return;
      if (p.status === 'SUCCESS') {
        done.current = true;
        void openGate(p.sessionId, 'PAID', p.amountPaise);
        return;
      }
      setStage({ ...pick(billing), s: 'online', payment: p });
    },
    [billing, openGate, setStage],
  );

  const refresh = useCallback(async () => {
    try {
      update(await call('payments.get', { paymentId: paymentRef.current.id }));
    } catch {
      /* keep polling; connectivity is shown in the header */
    }
  }, [update]);

  useEffect(() => {
    if (payment.status !== 'PENDING') return;
    const poll = setInterval(() => void refresh(), POLL_MS);
    const tick = setInterval(() => setNow(kioskNow()), 500);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [payment.status, refresh]);

  useKioskEvent((e) => {
    if (e.type === 'payment.changed' && e.paymentId === paymentRef.current.id) void refresh();
  });

  const retry = async () => {
    setRetrying(true);
    try {
      const p = await call('gate.startOnlinePayment', { sessionId: billing.quote.sessionId });
      done.current = false;
      setStage({ ...pick(billing), s: 'online', payment: p });
    } catch (e) {
      sounds.failure();
      setStage({ s: 'error', error: e });
    } finally {
      setRetrying(false);
    }
  };

  const left = payment.expiresAt ? Date.parse(payment.expiresAt) - now : null;
  const pending = payment.status === 'PENDING';
  return (
    <section className="card pay-card" aria-labelledby="online-title">
      <h2 id="online-title" className="card-title">{t('exit.onlineTitle')}</h2>
      <div className="online-grid">
        {payment.upiUri && pending && <QrImage text={payment.upiUri} alt={t('exit.upiQrAlt')} size={260} className="upi-qr" />}
        <div>
          <div className="amount-due amount-due-compact">
            <span className="amount-due-label">{t('exit.amountDue')}</span>
            <span className="amount-due-value">{formatINR(payment.amountPaise)}</span>
          </div>
          <p className={`pay-status pay-status-${payment.status.toLowerCase()}`} role="status" data-testid="payment-status" data-status={payment.status}>
            {t(`exit.pay.${payment.status}`)}
          </p>
          {pending && left !== null && (
            <p className="countdown" data-testid="countdown">
              {t('exit.expiresIn', { time: formatCountdown(left) })}
            </p>
          )}
        </div>
      </div>
      <div className="pay-actions">
        {!pending && (
          <button type="button" className="btn btn-online btn-lg" disabled={retrying} onClick={() => void retry()}>
            {t('common.retry')}
          </button>
        )}
        <button type="button" className="btn btn-cash btn-lg" onClick={() => setStage({ ...pick(billing), s: 'cash', tendered: '' })}>
          {t('exit.switchCash')}
        </button>
      </div>
    </section>
  );
}

function GateOpen({ stage, onNext, scanSeq, code }: { stage: Extract<Stage, { s: 'gate' }>; onNext(): void; scanSeq: number; code: string }) {
  const t = useT();
  const lines: string[] = [];
  if (stage.session) lines.push(`${stage.session.vehicleNumber} · ${stage.session.zoneName} / ${stage.session.slotNumber}`);
  lines.push(stage.reason === 'ZERO_DUE' ? t('exit.gateOpenZero') : t('exit.gateOpenPaid', { amount: formatINR(stage.paidPaise) }));
  return (
    <>
    <ResultBanner
      kind="gate"
      title={t('exit.gateOpen')}
      big={stage.changePaise !== null && stage.changePaise > 0 ? <span data-testid="gate-change">{t('exit.giveChange', { amount: formatINR(stage.changePaise) })}</span> : undefined}
      lines={lines}
      scanSeq={scanSeq}
      code={code}
      action={
        <button type="button" className="btn btn-light btn-lg" onClick={onNext}>
          {t('exit.next')}
        </button>
      }
    />
    {stage.session && stage.reason === 'PAID' && <InvoiceSummary sessionId={stage.session.id} />}
    </>
  );
}

function LostTicketForm({ onFind, onCancel }: { onFind(vehicle: string): void; onCancel(): void }) {
  const t = useT();
  const [vehicle, setVehicle] = useState('');
  const norm = normaliseVehicle(vehicle);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (norm.length >= 3) onFind(norm);
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="lost-title">
      <h2 id="lost-title" className="card-title">{t('exit.lostTitle')}</h2>
      <TextField label={t('entry.vehicle')} value={vehicle} onValue={setVehicle} autoComplete="off" autoCapitalize="characters" autoFocus className="field-vehicle" />
      <div className="pay-actions">
        <button type="button" className="btn btn-secondary btn-lg" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary btn-xl" disabled={norm.length < 3}>
          {t('exit.lostSearch')}
        </button>
      </div>
    </form>
  );
}

