// A theme that mentions services in prose and config keys but loads none of them.
var themeOptions = {
  "social": {"facebook": "https://www.facebook.com/example", "instagram": "https://www.instagram.com/example", "linkedin": "https://www.linkedin.com/company/example"},
  "labels": {"analytics": "Analytics", "marketing": "Marketing", "hotjar": "Hotjar", "matomo": "Matomo"},
  "shareText": "Share on Twitter or Pinterest"
};
function trackOutbound(url) { return url.indexOf(location.host) === -1; }
var stats = { ga: 0, gtagged: false, fb: null };
document.querySelectorAll('.social-links a').forEach(function (a) { a.setAttribute('rel', 'noopener'); });
