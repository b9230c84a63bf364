// The page's entry: sign in with a token, then show the partner's or the manager's work.

// A link such as the demo's `/#token=…`: keep the token for this tab and take it out of the
// address bar (and so out of the history) before anything else runs.
const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromLink) { keepToken(fromLink); history.replaceState(null, "", location.pathname + location.search); }
import { $, dropToken, gql, keepToken, lastMonth, showError, state } from "./api.js";
import { downloadMemoCsv, linkMemoCsv, loadClaimDraft, loadClaimReviews, loadClaims, loadMemos, submitClaim } from "./claims.js";
import { loadManagerContracts, loadPartnerContracts } from "./contracts.js";
import { loadCounts, wireCounts } from "./checks.js";
import { loadAccountGrid, loadForecastDraft, submitForecast } from "./forecasts.js";
import { loadDocumentReviews, loadPartnerDocuments, wireDocuments } from "./documents.js";
import { loadPartnerDesigns, loadReviews, registerDesign } from "./designs.js";
import { drawChart } from "./chart.js";
import { loadCompliance, loadExceptions, saveException } from "./manager.js";
import { loadPeriods, loadReport, submitPos, submitStock, upload } from "./reports.js";
import { startOrders } from "./orders.js";
import { startPricing } from "./pricing.js";
import { startRebates } from "./rebates.js";
import { startReturns } from "./returns.js";
import { loadApprovals, loadPartnerTransfers, loadWarehouses, raiseTransfer } from "./transfers.js";

const loadManager = () => Promise.all([loadExceptions(), loadCompliance(), drawChart(), loadApprovals(), loadReviews(), loadDocumentReviews()]);

async function start() {
  if (!state.token) return;
  const { viewer } = await gql("{ viewer { role manufacturer { name } partner { code name } } }");
  state.viewer = viewer;
  $("#login").hidden = true; $("#sign-out").hidden = false;
  $("#who").textContent = `${viewer.manufacturer.name} · ${viewer.partner ? viewer.partner.name : "manufacturer"} · ${viewer.role}`;
  await Promise.all([startOrders(viewer), startReturns(viewer).catch((error) => showError(error)),
    startPricing(viewer).catch((error) => showError(error)),
    startRebates(viewer).catch((error) => showError(error))]);
  if (viewer.partner) {
    $("#partner").hidden = false; $("#claim-period").value = lastMonth();
    $("#period").value = await loadPeriods();  // the period due next
    await Promise.all([loadReport(), loadWarehouses(), loadPartnerTransfers(), loadPartnerDesigns(),
      loadClaimDraft(), loadClaims(), loadPartnerContracts(), loadCounts(), loadForecastDraft(),
      loadPartnerDocuments()]);
  } else {
    $("#manager").hidden = false; $("#m-period").value = lastMonth(); $("#memo-period").value = lastMonth();
    await Promise.all([loadManager(), loadClaimReviews(), loadMemos(), loadManagerContracts(), loadAccountGrid()]);
  }
}

// A control's failure shows in `out` (next to it) when given, else at the top of the page.
const on = (selector, type, handler, out = undefined) => $(selector).addEventListener(type,
  (event) => handler(event).catch((error) => showError(error, out)));

on("#login", "submit", async (event) => {
  event.preventDefault(); keepToken($("#token").value.trim()); $("#token").value = ""; await start();
});
// Signing out forgets the token and leaves nothing of the previous user's data on the page.
$("#sign-out").addEventListener("click", () => { dropToken(); location.replace(location.pathname); });
on("#period", "change", loadReport, "#period-note");
on("#submit-stock", "click", submitStock, "#stock-status");
on("#submit-pos", "click", submitPos, "#pos-status");
on("#upload", "submit", upload, "#submission-status");
on("#transfer-form", "submit", raiseTransfer, "#transfer-status");
on("#design-form", "submit", registerDesign, "#design-status");
on("#claim-period", "change", loadClaimDraft);
on("#submit-claim", "click", submitClaim);
on("#m-period", "change", loadManager);
on("#memo-period", "change", async () => linkMemoCsv());
on("#memo-csv", "click", downloadMemoCsv);
on("#x-filters", "submit", async (event) => { event.preventDefault(); await loadExceptions(); });
on("#c-filters", "submit", async (event) => { event.preventDefault(); await drawChart(); });
on("#exception-form", "submit", saveException);
on("#submit-forecast", "click", submitForecast);
wireCounts(on);
wireDocuments(on);

start().catch(showError);
