"""The dashboard (GET /) in a real headless Chromium through Selenium, against
the real `video-service serve` binary: standalone, and as a Redis worker
beside a real redis-server.

    /usr/bin/python3 dashboard_test.py --binary build/video-service --artifacts DIR [Standalone|WithRedis]

Screenshots of the dashboard go to --artifacts."""

import argparse
import re
import sys
import tempfile
import time
import unittest
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from media_files import write_png, write_wav  # noqa: E402
from service import RedisServer, VideoService, WebhookReceiver, request, start_browser, wait_until  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

OPTIONS = argparse.Namespace(binary=None, artifacts=None)

# Text a job's error carries that would run script if it were put in as HTML.
XSS_NAME = "<img src=x onerror=window.xss_ran=1>"

NARRATION_SECONDS = 8.0


class DashboardTest(unittest.TestCase):
    """Starts the service and a browser once per class; files in a temp folder."""

    environment = {}

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(prefix="vs-browser-")
        cls.addClassCleanup(cls.work.cleanup)
        root = Path(cls.work.name)
        cls.media = root / "media"      # MEDIA_ROOTS: inputs named by path
        cls.local = root / "local"      # the browser user's own files, uploaded through the form
        cls.output = root / "output"
        for folder in (cls.media, cls.local, cls.output):
            folder.mkdir()
        write_wav(cls.local / "narration.wav", NARRATION_SECONDS)
        for index in range(3):
            write_png(cls.local / f"slide{index + 1}.png", 480, 320, index)
            write_png(cls.media / f"slide{index + 1}.png", 480, 320, index)
        write_wav(cls.media / "short.wav", 2.0)
        write_wav(cls.media / "long.wav", 90.0)
        (cls.media / f"{XSS_NAME}.png").write_bytes(b"not an image at all")
        cls.start_services(root)
        cls.browser = start_browser(root / "chrome")
        cls.addClassCleanup(cls.browser.quit)
        cls.browser.get(cls.service.url("/"))
        wait_until(lambda: cls.text("health-status") == "healthy", 15, "the dashboard never showed the health")

    @classmethod
    def start_services(cls, root):
        cls.service = VideoService(OPTIONS.binary, cls.output, [cls.media], root / "service.log", cls.environment)
        cls.addClassCleanup(cls.service.stop)

    # ---- page helpers ------------------------------------------------------

    @classmethod
    def text(cls, element_id):
        return cls.browser.find_element(By.ID, element_id).text

    def script(self, code, *args):
        return self.browser.execute_script(code, *args)

    def row(self, job_id):
        return self.browser.find_element(By.CSS_SELECTOR, f'#jobs tr[data-job-id="{job_id}"]')

    def row_status(self, job_id):
        return self.row(job_id).find_element(By.CSS_SELECTOR, ".job-status").text

    def open_job(self, job_id):
        wait_until(lambda: self.row(job_id), 10, f"job {job_id} never showed in the jobs table")
        self.row(job_id).find_element(By.CSS_SELECTOR, "th button").click()
        wait_until(lambda: self.text("detail-id") == job_id, 10, f"the detail panel never showed job {job_id}")

    def screenshot(self, name):
        if OPTIONS.artifacts:
            Path(OPTIONS.artifacts).mkdir(parents=True, exist_ok=True)
            self.browser.save_screenshot(str(Path(OPTIONS.artifacts) / name))

    def assert_no_script_ran_from_job_text(self):
        self.assertIsNone(self.script("return window.xss_ran"), "text from a job ran as script")
        self.assertEqual(self.script("return document.querySelectorAll('main img').length"), 0,
                         "text from a job became an <img> element")

    def severe_console_messages(self, allowed=()):
        return [entry["message"] for entry in self.browser.get_log("browser")
                if entry["level"] == "SEVERE" and not any(text in entry["message"] for text in allowed)]


class Standalone(DashboardTest):

    @classmethod
    def start_services(cls, root):
        cls.receiver = WebhookReceiver()
        cls.addClassCleanup(cls.receiver.stop)
        # Retries 30..60 s after a refusal: the refused delivery stays at attempt 1 while the test reads it.
        cls.environment = {"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOK_BACKOFF_SECONDS": "60"}
        super().start_services(root)

    def detail_field(self, name):
        fields = self.browser.find_elements(By.XPATH, f"//dl[@id='detail-fields']/div[dt='{name}']/dd")
        return fields[0].text if fields else None

    def test_1_page_and_files_carry_csp_etag_and_content_types(self):
        page = request(self.service.url("/"))
        self.assertEqual(page.status, 200)
        self.assertEqual(page.headers["Content-Type"], "text/html; charset=utf-8")
        policy = page.headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertEqual(page.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(page.headers["Cache-Control"], "no-cache")
        self.assertNotIn(b"<script>", page.body, "the page must not carry inline script")
        etag = page.headers["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]{20}"$')
        again = request(self.service.url("/"), headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        for name, content_type in [("dashboard.js", "text/javascript; charset=utf-8"),
                                   ("dashboard.css", "text/css; charset=utf-8"), ("favicon.svg", "image/svg+xml")]:
            answer = request(self.service.url("/dashboard/" + name))
            self.assertEqual((answer.status, answer.headers["Content-Type"]), (200, content_type), name)
            self.assertIn("Content-Security-Policy", answer.headers)
        missing = request(self.service.url("/dashboard/nothing.js"))
        self.assertEqual(missing.status, 404)
        self.assertEqual(missing.json()["error"]["message"], "no dashboard file nothing.js")
        # The browser loaded them without a CSP violation or a failed request.
        self.assertEqual(self.severe_console_messages(), [])
        self.assertEqual(self.text("health-redis"), "disabled")
        self.assertFalse(self.browser.find_element(By.ID, "workers-section").is_displayed())

    def test_2_a_job_submitted_with_uploads_shows_progress_and_plays(self):
        browser = self.browser
        browser.find_element(By.ID, "audio-file").send_keys(str(self.local / "narration.wav"))
        browser.find_element(By.ID, "image-files").send_keys(
            "\n".join(str(self.local / f"slide{index + 1}.png") for index in range(3)))
        browser.find_element(By.CSS_SELECTOR, '#resolution option[value="1280x720"]').click()
        browser.find_element(By.ID, "submit-button").click()
        status = wait_until(lambda: re.search(r"Job (\S+) queued\.", self.text("submit-status")), 30,
                            "the form never reported the job queued")
        job_id = status.group(1)
        spec = self.service.get_json(f"/jobs/{job_id}/spec")["spec"]
        uploads_folder = str(self.output / "uploads")
        self.assertTrue(spec["audio_path"].startswith(uploads_folder), spec)
        # The image list is freed once the job ends; while it is kept it names the uploads, in order.
        self.assertIn(len(spec["image_paths"]), (0, 3), spec)
        self.assertTrue(all(path.startswith(uploads_folder) for path in spec["image_paths"]), spec)
        self.watch_progress_and_play(job_id)

    def watch_progress_and_play(self, job_id):
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            # Bar and status read in one go: a poll between two reads would pair them wrongly.
            shown = self.script("const row = document.querySelector(`#jobs tr[data-job-id='${arguments[0]}']`);"
                                "return row && [row.querySelector('progress').value, "
                                "row.querySelector('.job-status').textContent];", job_id)
            if not shown:
                time.sleep(0.05)
                continue
            value, status = float(shown[0]), shown[1]
            if not seen or seen[-1] != value:
                seen.append(value)
            if status in ("success", "failed", "cancelled"):
                break
            time.sleep(0.05)
        self.assertEqual(status, "success", f"job {job_id} ended {status}: {self.service.get_json('/jobs/' + job_id)}")
        self.assertEqual(seen, sorted(seen), f"the progress bar went back: {seen}")
        self.assertTrue(any(0 < value < 1 for value in seen), f"no progress was shown between 0 and 1: {seen}")
        self.assertEqual(seen[-1], 1.0)

        # Open the finished job afresh and play it.
        if self.browser.find_element(By.ID, "job-detail").is_displayed():  # the form opened it
            self.browser.find_element(By.ID, "detail-close").click()
            wait_until(lambda: not self.browser.find_element(By.ID, "job-detail").is_displayed(), 5,
                       "the detail stayed open")
        self.open_job(job_id)
        wait_until(lambda: self.browser.find_element(By.ID, "detail-player").is_displayed(), 10, "no player shown")
        video = self.browser.find_element(By.ID, "detail-video")
        self.assertTrue(video.get_attribute("poster").endswith(f"/jobs/{job_id}/poster"))
        download = self.browser.find_element(By.ID, "detail-download")
        self.assertTrue(download.get_attribute("href").endswith(f"/jobs/{job_id}/video"))
        result = self.service.get_json(f"/jobs/{job_id}")["result"]
        self.assertEqual(len(request(download.get_attribute("href")).body), result["file_size"])
        poster = request(video.get_attribute("poster"))
        self.assertEqual((poster.status, poster.headers["Content-Type"]), (200, "image/jpeg"))

        self.script("const v = arguments[0]; v.muted = true; v.play().catch((e) => { window.play_error = String(e); });",
                    video)
        state = wait_until(
            lambda: (lambda s: s if s[1] > 1.0 else None)(
                self.script("const v = arguments[0]; return [v.readyState, v.currentTime, v.duration, "
                            "v.error && v.error.message, window.play_error || null];", video)),
            20, "the video did not play past 1 s")
        ready_state, _, duration, media_error, play_error = state
        self.assertGreaterEqual(ready_state, 2)
        self.assertIsNone(media_error)
        self.assertIsNone(play_error)
        self.assertAlmostEqual(duration, NARRATION_SECONDS, delta=0.1)
        self.assertAlmostEqual(duration, result["duration"], delta=0.05)
        self.screenshot("dashboard-standalone.png")

    def test_3_a_long_job_is_cancelled_from_its_detail(self):
        job_id = self.service.submit({"audio_path": str(self.media / "long.wav"),
                                      "image_paths": [str(self.media / f"slide{i + 1}.png") for i in range(3)]})
        self.open_job(job_id)
        wait_until(lambda: self.row_status(job_id) == "processing", 30, f"job {job_id} never started")
        self.browser.find_element(By.ID, "detail-cancel").click()
        wait_until(lambda: self.row_status(job_id) == "cancelled", 15, f"job {job_id} was not shown cancelled")
        self.assertEqual(self.service.get_json(f"/jobs/{job_id}")["status"], "cancelled")
        wait_until(lambda: self.browser.find_element(By.ID, "detail-error").is_displayed(), 5, "no error shown")
        self.assertIn("(cancelled)", self.text("detail-error-text"))
        self.assertFalse(self.browser.find_element(By.ID, "detail-cancel").is_displayed())
        self.assertFalse(self.row(job_id).find_element(By.CSS_SELECTOR, "td button").is_displayed())

    def test_4_a_job_error_with_markup_is_shown_as_text(self):
        job_id = self.service.submit({"audio_path": str(self.media / "short.wav"),
                                      "image_paths": [str(self.media / f"{XSS_NAME}.png")]})
        self.open_job(job_id)
        wait_until(lambda: self.browser.find_element(By.ID, "detail-error").is_displayed(), 15, "no error shown")
        self.assertEqual(self.text("detail-error-text"),
                         f"image {self.media / XSS_NAME}.png is not a readable JPEG, PNG, BMP or GIF (input_invalid)")
        self.assert_no_script_ran_from_job_text()

    def test_5_state_filter_and_keyboard(self):
        filter_menu = self.browser.find_element(By.ID, "state-filter")
        filter_menu.find_element(By.CSS_SELECTOR, 'option[value="failed"]').click()

        def only_failed():
            statuses = [row.find_element(By.CSS_SELECTOR, ".job-status").text
                        for row in self.browser.find_elements(By.CSS_SELECTOR, "#jobs tbody tr")]
            return statuses and set(statuses) == {"failed"}
        wait_until(only_failed, 5, "the filter did not leave only failed jobs")
        filter_menu.find_element(By.CSS_SELECTOR, 'option[value=""]').click()
        wait_until(lambda: len(self.browser.find_elements(By.CSS_SELECTOR, "#jobs tbody tr")) >= 3, 5,
                   "the filter did not come back to all jobs")

        # Enter on a job's button opens it and moves the focus there; Escape closes it.
        self.browser.find_element(By.ID, "detail-close").click()
        first = self.browser.find_element(By.CSS_SELECTOR, "#jobs tbody tr th button")
        first.send_keys(Keys.ENTER)
        wait_until(lambda: self.browser.find_element(By.ID, "job-detail").is_displayed(), 5, "Enter opened nothing")
        wait_until(lambda: self.script("return document.activeElement.id") == "detail-title", 5,
                   "the focus did not move to the opened job")
        self.browser.switch_to.active_element.send_keys(Keys.ESCAPE)
        wait_until(lambda: not self.browser.find_element(By.ID, "job-detail").is_displayed(), 5, "Escape closed nothing")
        for control in ("audio-file", "image-files", "resolution", "fps", "transition", "ken-burns", "poster",
                        "state-filter"):
            labels = self.browser.find_elements(By.CSS_SELECTOR, f'label[for="{control}"]')
            self.assertEqual(len(labels), 1, f"#{control} has no label")

    def test_6_polling_pauses_while_the_tab_is_hidden(self):
        self.script("""
          window.calls = {visible: 0, hidden: 0};
          window.was_hidden = false;
          const fetch_ = window.fetch;
          window.fetch = (...args) => { window.calls[document.hidden ? 'hidden' : 'visible']++; return fetch_(...args); };
          document.addEventListener('visibilitychange', () => { if (document.hidden) window.was_hidden = true; });
        """)
        wait_until(lambda: self.script("return window.calls.visible") > 0, 5, "no polling while visible")
        dashboard = self.browser.current_window_handle
        self.browser.switch_to.new_window("tab")
        time.sleep(3)
        self.browser.close()
        self.browser.switch_to.window(dashboard)
        self.assertTrue(self.script("return window.was_hidden"), "the dashboard's tab was never hidden")
        self.assertEqual(self.script("return window.calls.hidden"), 0, "the dashboard polled while hidden")
        before = self.script("return window.calls.visible")
        wait_until(lambda: self.script("return window.calls.visible") > before, 5, "polling did not resume")

    def test_7_a_jobs_webhook_delivery_shows_in_its_detail(self):
        def job_calling(path):
            return self.service.submit({"audio_path": str(self.media / "short.wav"),
                                        "image_paths": [str(self.media / "slide1.png")], "resolution": "320x240",
                                        "callback_url": self.receiver.url(path)})
        delivered = job_calling("/done")
        self.open_job(delivered)
        summary = wait_until(lambda: (lambda text: text if text and text.startswith("delivered") else None)(
            self.detail_field("Webhook")), 60, "the detail never showed the webhook delivered")
        self.assertEqual(summary, f"delivered to {self.receiver.url('/done')} (attempt 1, HTTP 200)")
        self.assertIn(("/done", delivered), [(path, body["job_id"]) for path, body in self.receiver.received])

        refused = job_calling("/down")
        self.open_job(refused)
        summary = wait_until(lambda: (lambda text: text if text and "got HTTP" in text else None)(
            self.detail_field("Webhook")), 60, "the detail never showed the refused attempt")
        self.assertTrue(summary.startswith(f"pending: attempt 1 to {self.receiver.url('/down')} got HTTP 503; "
                                           "next try at "), summary)
        webhook = self.service.get_json(f"/jobs/{refused}")["webhook"]
        self.assertEqual((webhook["state"], webhook["attempt_count"]), ("pending", 1))
        self.screenshot("dashboard-webhook.png")


class WithRedis(DashboardTest):
    worker_id = "browser-worker-" + uuid.uuid4().hex[:6]

    @classmethod
    def start_services(cls, root):
        cls.redis = RedisServer(root / "redis")
        cls.addClassCleanup(cls.redis.stop)
        cls.environment = {"REDIS_URL": cls.redis.url, "WORKER_ID": cls.worker_id, "WORKER_LEASE_SECONDS": "5"}
        super().start_services(root)

    def make_task(self, task_id, attempts):
        params = ('{"audio_path":"%s","image_paths":["%s","%s"],"resolution":"640x360"}'
                  % (self.media / "short.wav", self.media / "slide1.png", self.media / "slide2.png"))
        self.redis.cli("HSET", f"task:{task_id}", "id", task_id, "service", "video-service", "name", "CreateVideo",
                       "status", "queued", "queue", "0", "attempts", attempts, "params", params)
        self.redis.cli("LPUSH", "queue:video-service", task_id)

    def dead_row(self, task_id):
        return self.browser.find_element(By.CSS_SELECTOR, f'#dead-letters tr[data-task-id="{task_id}"]')

    def test_1_workers_and_queue_depths(self):
        self.assertEqual(self.text("health-redis"), "up")
        row = wait_until(lambda: self.browser.find_element(By.CSS_SELECTOR, f'#workers tr[data-worker-id="{self.worker_id}"]'),
                         10, "the worker never showed")
        self.assertIn("alive", row.text)
        self.assertTrue(self.browser.find_element(By.ID, "depth-tasks-queued").is_displayed())
        wait_until(lambda: self.text("depth-dead") == "0", 5, "no dead-letter depth shown")

    def test_2_a_dead_letter_is_requeued_and_renders(self):
        # Its `attempts` is no integer: the worker's claim rejects it onto the dead-letter queue.
        self.make_task("deadtask1", "x")
        row = wait_until(lambda: self.dead_row("deadtask1"), 15, "the dead letter never showed")
        self.assertIn("task deadtask1: attempts 'x' is not an integer", row.text)
        wait_until(lambda: self.text("depth-dead") == "1", 5, "the dead-letter depth did not show 1")
        row.find_element(By.CSS_SELECTOR, 'button[aria-label="Requeue task deadtask1"]').click()
        wait_until(lambda: not self.browser.find_elements(By.CSS_SELECTOR, '#dead-letters tr[data-task-id="deadtask1"]'),
                   10, "the requeued task stayed in the dead letters")
        wait_until(lambda: self.redis.cli("HGET", "task:deadtask1", "status") == "success", 60,
                   "the requeued task did not render")
        self.assertEqual(self.redis.cli("HGET", "task:deadtask1", "attempts"), "1")
        self.assertEqual(self.redis.cli("LLEN", "queue:video-service:dead"), "0")
        wait_until(lambda: self.row_status("deadtask1") == "success", 10, "the jobs table never showed it done")

    def test_3_a_dead_letter_error_with_markup_is_shown_as_text(self):
        self.make_task("xsstask", XSS_NAME)
        row = wait_until(lambda: self.dead_row("xsstask"), 15, "the dead letter never showed")
        self.assertIn(f"task xsstask: attempts '{XSS_NAME}' is not an integer", row.text)
        self.assert_no_script_ran_from_job_text()
        self.assertEqual(self.severe_console_messages(), [])
        self.open_job("deadtask1")
        self.screenshot("dashboard-redis.png")

    def test_4_with_redis_down_the_jobs_stay_and_the_banner_says_why(self):
        wait_until(lambda: self.row_status("deadtask1") == "success", 10, "the finished task is not listed")
        self.redis.stop()
        wait_until(lambda: self.text("health-redis") == "down", 30, "the Redis state never showed down")
        banner = wait_until(lambda: self.browser.find_element(By.ID, "banner"), 5, "no banner")
        wait_until(banner.is_displayed, 10, "no banner about Redis")
        self.assertTrue(banner.text.startswith("Redis: "), banner.text)
        self.assertEqual(self.text("health-status"), "healthy")
        self.assertEqual(self.row_status("deadtask1"), "success")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--artifacts")
    parsed, rest = parser.parse_known_args()
    OPTIONS.binary, OPTIONS.artifacts = parsed.binary, parsed.artifacts
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
