// The page's entry: sign in with a token, then show the partner's or the manager's work.
import { $, gql, lastMonth, showError, state } from "./api.js";
import { downloadMemoCsv, linkMemoCsv, loadClaimDraft, loadClaimReviews, loadClaims, loadMemos, submitClaim } from "./claims.js";
import { loadPartnerDesigns, loadReviews, registerDesign } from "./designs.js";
import { drawChart, loadCompliance, loadExceptions, saveException } from "./manager.js";
import { loadPosDraft, loadStockDraft, submitPos, submitStock, upload } from "./reports.js";
import { loadApprovals, loadPartnerTransfers, loadWarehouses, raiseTransfer } from "./transfers.js";

const loadManager = () => Promise.all([loadExceptions(), loadCompliance(), drawChart(), loadApprovals(), loadReviews()]);

async function start() {
  if (!state.token) return;
  const { viewer } = await gql("{ viewer { role manufacturer { name } partner { code name } } }");
  state.viewer = viewer;
  $("#who").textContent = `${viewer.manufacturer.name} · ${viewer.partner ? viewer.partner.name : "manufacturer"} · ${viewer.role}`;
  if (viewer.partner) {
    $("#partner").hidden = false; $("#period").value = lastMonth(); $("#claim-period").value = lastMonth();
    await Promise.all([loadStockDraft(), loadPosDraft(), loadWarehouses(), loadPartnerTransfers(), loadPartnerDesigns(),
      loadClaimDraft(), loadClaims()]);
  } else {
    $("#manager").hidden = false; $("#m-period").value = lastMonth(); $("#memo-period").value = lastMonth();
    await Promise.all([loadManager(), loadClaimReviews(), loadMemos()]);
  }
}

const on = (selector, type, handler) => $(selector).addEventListener(type, (event) => handler(event).catch(showError));

on("#login", "submit", async (event) => {
  event.preventDefault(); state.token = $("#token").value.trim(); localStorage.setItem("portalToken", state.token); await start();
});
on("#period", "change", () => Promise.all([loadStockDraft(), loadPosDraft()]));
on("#submit-stock", "click", submitStock);
on("#submit-pos", "click", submitPos);
on("#upload", "submit", upload);
on("#transfer-form", "submit", raiseTransfer);
on("#design-form", "submit", registerDesign);
on("#claim-period", "change", loadClaimDraft);
on("#submit-claim", "click", submitClaim);
on("#m-period", "change", loadManager);
on("#memo-period", "change", async () => linkMemoCsv());
on("#memo-csv", "click", downloadMemoCsv);
on("#x-filters", "submit", async (event) => { event.preventDefault(); await loadExceptions(); });
on("#c-filters", "submit", async (event) => { event.preventDefault(); await drawChart(); });
on("#exception-form", "submit", saveException);

const fromDemo = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromDemo) { state.token = fromDemo; localStorage.setItem("portalToken", state.token); history.replaceState(null, "", "/"); }
start().catch(showError);
