// "Use my position": the browser's position, reverse-geocoded by the server to a readable
// address that fills the address field (the position itself is never posted).
document.querySelectorAll("[data-places] [data-geolocate]").forEach(function (button) {
  var box = button.closest("[data-places]");
  var status = box.querySelector("[aria-live]");
  if (!navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = box.dataset.msgLocating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = box.dataset.reverseUrl + "?lat=" + pos.coords.latitude.toFixed(6) +
                "&lon=" + pos.coords.longitude.toFixed(6);
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) {
          var found = (data.suggestions || [])[0];
          if (found && box.placesChoose) { box.placesChoose(found); }
          else { status.textContent = box.dataset.msgNowhere; }
        })
        .catch(function () { status.textContent = box.dataset.msgNowhere; });
    }, function () { status.textContent = box.dataset.msgNowhere; });
  });
});
