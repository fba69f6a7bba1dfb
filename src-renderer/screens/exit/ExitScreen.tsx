/** The exit lane: scan or type a ticket, see what is due, take cash or an online payment, open the gate. */
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
import { canTakePayment } from '../../stores/ui.js';
import { CashPanel } from './CashPanel.js';
import { exitFlow, INITIAL_EXIT_STAGE, isPaying, type ExitAction, type ExitStage, type OpenGate } from './flow.js';
import { GateOpen } from './GateOpen.js';
import { PlateExitPanel } from '../../components/desk/PlateExitPanel.js';
import { OnlinePanel } from './OnlinePanel.js';
import { QuotePanel } from './QuotePanel.js';
import { isValidationCodeText } from '../../../src-shared/contracts/validations.js';

export function ExitScreen({ camera = true }: { camera?: boolean }) {
  const t = useT();
  const role = useSession((s) => s.operator?.role ?? 'ATTENDANT');
  const cashier = canTakePayment(role);
  const [stage, dispatch] = useReducer(exitFlow, INITIAL_EXIT_STAGE);
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

  const bill = useCallback(
    (load: () => Promise<Quote>, lost: boolean) => {
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
      bill(() => call('gate.quoteExit', { code }), false);
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
        {(stage.s === 'idle' || stage.s === 'error' || stage.s === 'gate') && (
          <button type="button" className="btn btn-secondary btn-block" onClick={() => dispatch({ type: 'lostOpened' })}>
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
            dispatch={dispatch}
            cashier={cashier}
            openGate={openGate}
            onlineBlocked={onlineBlocked}
            setOnlineBlocked={setOnlineBlocked}
            onQuote={(quote, lost) => bill(() => Promise.resolve(quote), lost)}
            scanSeq={scanSeq}
            code={lastCode}
          />
        )}
      </div>
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
  scanSeq: number;
  code: string;
}

function ExitPanel(p: PanelProps) {
  const t = useT();
  const { stage, dispatch } = p;
  switch (stage.s) {
    case 'idle':
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
      return <QuotePanel billing={stage} dispatch={dispatch} cashier={p.cashier} onlineBlocked={p.onlineBlocked} setOnlineBlocked={p.setOnlineBlocked} openGate={p.openGate} />;
    case 'cash':
      return <CashPanel billing={stage} tendered={stage.tendered} dispatch={dispatch} />;
    case 'online':
      return <OnlinePanel billing={stage} payment={stage.payment} dispatch={dispatch} openGate={p.openGate} />;
  }
}
