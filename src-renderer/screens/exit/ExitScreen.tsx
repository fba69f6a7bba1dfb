/**
 * The exit lane: scan or type a ticket, see what is due, take cash or an online payment, open the
 * gate. Two columns fill the screen: the scan column (camera, manual entry, shift, the car's facts
 * and the details slot of slots.ts) scrolls and gives way; the payment pane (amount due, then the
 * stage's buttons: pay / cash keypad and confirm / UPI / gate open) has a fixed place and size.
 */
import { useCallback, useReducer, useRef, useState, type Dispatch, type FormEvent } from 'react';
import type { Quote } from '../../../src-shared/contracts/entities.js';
import { call, isApiError } from '../../api/client.js';
import { CameraPanel } from '../../components/CameraPanel.js';
import { TextField } from '../../components/Field.js';
import { ResultBanner } from '../../components/ResultBanner.js';
import { ShiftCard } from '../../components/ShiftCard.js';
import { errorCode, errorHeadline, errorText, useT } from '../../i18n/index.js';
import { sounds } from '../../lib/sound.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { useKeyboardWedge } from '../../lib/use-wedge.js';
import { useSession } from '../../stores/session.js';
import { useShift } from '../../stores/shift.js';
import { canTakePayment } from '../../stores/ui.js';
import { AmountDue } from './AmountDue.js';
import { CashPanel } from './CashPanel.js';
import { exitFlow, INITIAL_EXIT_STAGE, isBilled, isPaying, type ExitAction, type ExitStage, type OpenGate } from './flow.js';
import { GateOpen } from './GateOpen.js';
import { PlateExitPanel } from '../../components/desk/PlateExitPanel.js';
import { OnlinePanel } from './OnlinePanel.js';
import { QuoteFacts } from './QuoteFacts.js';
import { QuotePanel } from './QuotePanel.js';
import { EXIT_DETAIL_PANELS } from './slots.js';
import { isValidationCodeText } from '../../../src-shared/contracts/validations.js';
import { isPassCodeText, passExitQuote } from '../../passes/gate-scan.js';

export function ExitScreen({ camera = true }: { camera?: boolean }) {
  const t = useT();
  const role = useSession((s) => s.operator?.role ?? 'ATTENDANT');
  const cashier = canTakePayment(role);
  const [stage, dispatch] = useReducer(exitFlow, INITIAL_EXIT_STAGE);
  const shiftOpen = useShift((s) => s.shift !== null);
  // Sign-on: until the cashier's first shift here is open, its float count sits in the payment
  // pane; once a shift was open, the card stays in the scan column (closing shows its result there).
  const hadShift = useRef(false);
  if (shiftOpen) hadShift.current = true;
  const signOn = cashier && !shiftOpen && !hadShift.current;
  const { busy, run } = useApiAction();
  const [manual, setManual] = useState('');
  const [scanSeq, setScanSeq] = useState(0);
  const [lastCode, setLastCode] = useState('');
  const [onlineBlocked, setOnlineBlocked] = useState<string | null>(null);
  const stageRef = useRef(stage);
  stageRef.current = stage;

  const openGate = useCallback<OpenGate>(async (sessionId, reason, paidPaise) => {
    try {
      const session = await call('gate.completeExit', { sessionId });
      sounds.success();
      dispatch({ type: 'gateOpened', session, reason, paidPaise, changePaise: null });
    } catch (error) {
      if (isApiError(error) && error.code === 'ALREADY_EXITED') {
        sounds.success();
        dispatch({ type: 'gateOpened', session: null, reason, paidPaise, changePaise: null });
        return;
      }
      sounds.failure();
      dispatch({ type: 'failed', error });
    }
  }, []);

  const lastLoad = useRef<{ load: () => Promise<Quote>; lost: boolean } | null>(null);
  const bill = useCallback(
    (load: () => Promise<Quote>, lost: boolean) => {
      lastLoad.current = { load, lost };
      setOnlineBlocked(null);
      void run(async () => {
        const quote = await load();
        const session = await call('sessions.get', { sessionId: quote.sessionId }).catch(() => null);
        if (quote.amountDuePaise === 0) {
          await openGate(quote.sessionId, 'ZERO_DUE', 0);
        } else {
          sounds.tap();
          dispatch({ type: 'billed', billing: { quote, session, lost } });
        }
      }, (error) => dispatch({ type: 'failed', error }));
    },
    [openGate, run],
  );

  const scan = useCallback(
    (raw: string) => {
      const code = raw.trim();
      if (!code || isPaying(stageRef.current)) return;
      setScanSeq((n) => n + 1);
      setLastCode(code);
      if (isValidationCodeText(code)) return; // a merchant's code: the quote's validation panel takes it
      bill(() => (isPassCodeText(code) ? passExitQuote(code) : call('gate.quoteExit', { code })), false);
    },
    [bill],
  );

  useKeyboardWedge(scan);

  const requote = useCallback(() => {
    if (lastLoad.current && !isPaying(stageRef.current)) bill(lastLoad.current.load, lastLoad.current.lost);
  }, [bill]);

  const cancelQuote = useCallback(() => {
    const current = stageRef.current;
    if (!isBilled(current)) return;
    void run(async () => {
      await call('gate.cancelQuote', { sessionId: current.quote.sessionId });
      dispatch({ type: 'reset' });
    }, (error) => dispatch({ type: 'failed', error }));
  }, [run]);

  const submitManual = (e: FormEvent) => {
    e.preventDefault();
    const code = manual;
    setManual('');
    scan(code);
  };

  return (
    <div className="screen screen-exit exit-layout">
      <div className="exit-scan" data-testid="exit-scan">
        <h1 className="screen-title">{t('exit.scanTitle')}</h1>
        {isBilled(stage) && (
          <div className="exit-details" data-testid="exit-details">
            <QuoteFacts billing={stage} />
            {EXIT_DETAIL_PANELS.map(({ id, Component }) => (
              <div key={id} className="exit-detail-panel" data-panel={id}>
                <Component billing={stage} stage={stage.s} requote={requote} dispatch={dispatch} openGate={openGate} cashier={cashier} />
              </div>
            ))}
          </div>
        )}
        {camera && <CameraPanel onCode={scan} />}
        <div className="ready" data-testid="scan-ready">
          <span className="ready-dot" aria-hidden="true" />
          {t('scan.wedgeReady')}
        </div>
        <form className="inline-form" onSubmit={submitManual}>
          <TextField label={t('scan.code')} value={manual} onValue={setManual} autoComplete="off" spellCheck={false} />
          <button data-main-action type="submit" className="btn btn-primary" disabled={!manual.trim() || busy}>
            {t('exit.manualSubmit')}
          </button>
        </form>
        {(stage.s === 'idle' || stage.s === 'error' || stage.s === 'gate') && (
          <button type="button" className="btn btn-secondary btn-block" onClick={() => dispatch({ type: 'lostOpened' })}>
            {t('exit.lostOpen')}
          </button>
        )}
        {/* An open drawer is closed from here; one still to open waits in the payment pane (sign-on). */}
        {cashier && !(signOn && stage.s === 'idle') && <ShiftCard />}
      </div>
      <aside className="exit-pay" aria-label={t('exit.payPane')} data-testid="exit-pay" data-scan-seq={scanSeq} data-code={lastCode}>
        {isBilled(stage) && <AmountDue paise={stage.quote.amountDuePaise} />}
        {busy ? (
          <ResultBanner kind="info" title={t('scan.working')} />
        ) : (
          <ExitPanel
            stage={stage}
            dispatch={dispatch}
            cashier={cashier}
            openGate={openGate}
            onlineBlocked={onlineBlocked}
            setOnlineBlocked={setOnlineBlocked}
            onQuote={(quote, lost) => bill(() => Promise.resolve(quote), lost)}
            onCancel={cancelQuote}
            signOn={signOn}
            scanSeq={scanSeq}
            code={lastCode}
          />
        )}
      </aside>
    </div>
  );
}

interface PanelProps {
  stage: ExitStage;
  dispatch: Dispatch<ExitAction>;
  cashier: boolean;
  openGate: OpenGate;
  onlineBlocked: string | null;
  setOnlineBlocked(reason: string | null): void;
  onQuote(quote: Quote, lost: boolean): void;
  onCancel(): void;
  signOn: boolean;
  scanSeq: number;
  code: string;
}

function ExitPanel(p: PanelProps) {
  const t = useT();
  const { stage, dispatch } = p;
  switch (stage.s) {
    case 'idle':
      // Sign-on at a cash lane: the drawer's float is counted before the first car.
      if (p.signOn) {
        return (
          <div className="exit-signon" data-testid="exit-idle">
            <ShiftCard />
          </div>
        );
      }
      return (
        <div className="placeholder" data-testid="exit-idle">
          <div className="placeholder-icon" aria-hidden="true">⌁</div>
          <p>{t('exit.scanTitle')}</p>
        </div>
      );
    case 'lost':
      return <PlateExitPanel cashier={p.cashier} onQuote={p.onQuote} onCancel={() => dispatch({ type: 'reset' })} />;
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
      return <GateOpen stage={stage} onNext={() => dispatch({ type: 'reset' })} scanSeq={p.scanSeq} code={p.code} />;
    case 'quote':
      return <QuotePanel billing={stage} dispatch={dispatch} cashier={p.cashier} onlineBlocked={p.onlineBlocked} setOnlineBlocked={p.setOnlineBlocked} onCancel={p.onCancel} />;
    case 'cash':
      return <CashPanel billing={stage} tendered={stage.tendered} dispatch={dispatch} />;
    case 'online':
      return <OnlinePanel billing={stage} payment={stage.payment} dispatch={dispatch} openGate={p.openGate} />;
  }
}
