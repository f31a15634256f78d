// Fill latitude/longitude fields from the browser's position when the user asks.
document.querySelectorAll("[data-geolocate]").forEach(function (button) {
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { button.textContent = "Location unavailable"; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById(button.dataset.lat).value = pos.coords.latitude.toFixed(6);
      document.getElementById(button.dataset.lng).value = pos.coords.longitude.toFixed(6);
    }, function () { button.textContent = "Could not get your position"; });
  });
});
