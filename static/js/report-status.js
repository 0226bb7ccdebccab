// While a report version is queued or generating, ask the server every few seconds and reload the page
// when it is ready or has failed. Without JavaScript the page offers a "check again" link instead.
const region = document.getElementById("report-status");
if (region && region.dataset.inProgress === "true") {
  const url = region.dataset.statusUrl;
  let tries = 0;
  const poll = async () => {
    tries += 1;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        const latest = data.versions[0];
        if (latest && (latest.status === "ready" || latest.status === "failed")) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A network blip: try again on the next tick.
    }
    if (tries < 200) window.setTimeout(poll, tries < 10 ? 2000 : 5000);
  };
  window.setTimeout(poll, 2000);
}
