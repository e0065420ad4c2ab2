#!/usr/bin/env python3
"""Checks ves-listener's web view in headless Chromium (selenium and chromium-driver).

Posts valid and invalid events of VES 1.1, 5.4.1 and 7.2.1 (made from the fixtures in Fixtures/model, measurement
values moving from event to event), then checks in the rendered page: the rows, that opening an invalid event
highlights its violating field at its pointer with the message beside it, that `#event=SEQ` opens an event
directly, that a measurement chart has a line, and that an event posted later appears without a reload.
Saves a screenshot. Prints PASS/FAIL per check; exits 1 if any failed.

usage: webview_check.py LISTENER_URL SCREENSHOT.png
"""
import copy
import json
import math
import os
import shutil
import sys
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WAIT_SECONDS = 30


def post(base, version, event):
    """POSTs one event; returns the status."""
    request = urllib.request.Request(
        f"{base}/eventListener/{version}",
        data=json.dumps({"event": event}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def fixture_events():
    """(version, event, valid, pointer of the expected violation) of every event to post, oldest first."""
    with open(os.path.join(ROOT, "Fixtures/model/reference-events.jsonl")) as lines:
        reference = [json.loads(line)["event"] for line in lines]
    v1_measurement = next(e for e in reference if e["commonEventHeader"]["domain"] == "measurementsForVfScaling")
    v1_fault = next(e for e in reference if e["commonEventHeader"]["domain"] == "fault")
    with open(os.path.join(ROOT, "Fixtures/model/measurement-7.2.1.json")) as file:
        v7_measurement = json.load(file)["event"]
    v5_fault = {
        "commonEventHeader": {
            "domain": "fault", "eventId": "web-v5-fault", "eventName": "Fault_lab", "sequence": 0,
            "priority": "Normal", "reportingEntityName": "ems-1", "sourceName": "vnf-5",
            "startEpochMicrosec": 1764030000000000, "lastEpochMicrosec": 1764030001000000, "version": 3.0,
        },
        "faultFields": {
            "faultFieldsVersion": 2.0, "alarmCondition": "linkDown", "eventSeverity": "MAJOR",
            "eventSourceType": "port", "specificProblem": "eth1 down", "vfStatus": "Active",
        },
    }
    events = []
    start = 1764030000000000
    for index in range(12):
        wave = math.sin(index / 2)
        event = copy.deepcopy(v1_measurement)
        header = event["commonEventHeader"]
        header.update(eventId=f"web-v1-{index}", sequence=index, startEpochMicrosec=start + index * 10_000_000,
                      lastEpochMicrosec=start + (index + 1) * 10_000_000)
        fields = event["measurementsForVfScalingFields"]
        fields["memoryUsed"] = round(2.0 + wave, 3)
        for cpu, usage in zip(fields["cpuUsageArray"], (30 + 20 * wave, 40 - 15 * wave)):
            cpu["percentUsage"] = round(usage, 2)
        for nic in fields["vNicUsageArray"]:
            nic["bytesIn"] = int(160200 + 60000 * math.cos(index / 3))
            nic["bytesOut"] = int(103800 + 30000 * math.cos(index / 3))
        events.append(("v1", event, True, None))

        event = copy.deepcopy(v7_measurement)
        header = event["commonEventHeader"]
        header.update(eventId=f"web-v7-{index}", sequence=index, sourceName="compute-7",
                      startEpochMicrosec=start + index * 10_000_000,
                      lastEpochMicrosec=start + (index + 1) * 10_000_000)
        fields = event["measurementFields"]
        fields["cpuUsageArray"][0]["percentUsage"] = round(50 + 30 * wave, 2)
        fields["memoryUsageArray"][0]["memoryUsed"] = 1835008.0 + 400000 * wave
        fields["loadArray"][0]["shortTerm"] = round(0.5 + 0.3 * wave, 2)
        events.append(("v7", event, True, None))
    fault = copy.deepcopy(v1_fault)
    fault["commonEventHeader"].update(eventId="web-v1-fault")
    events.append(("v1", fault, True, None))
    events.append(("v5", v5_fault, True, None))

    bad = copy.deepcopy(v1_fault)
    bad["commonEventHeader"].update(eventId="web-v1-bad", priority="Urgent")
    events.append(("v1", bad, False, "/event/commonEventHeader/priority"))
    bad = copy.deepcopy(v5_fault)
    bad["commonEventHeader"]["eventId"] = "web-v5-bad"
    bad["faultFields"]["eventSeverity"] = "LOUD"
    events.append(("v5", bad, False, "/event/faultFields/eventSeverity"))
    bad = copy.deepcopy(v7_measurement)
    bad["commonEventHeader"].update(eventId="web-v7-bad", sourceName="compute-7")
    bad["measurementFields"]["measurementInterval"] = "ten"
    events.append(("v7", bad, False, "/event/measurementFields/measurementInterval"))
    return events


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, name, condition, detail=""):
        print(("PASS " if condition else "FAIL ") + name + ("" if condition else f" -- {detail}"))
        if not condition:
            self.failed += 1
        return condition


def wait_for(driver, condition, seconds=WAIT_SECONDS):
    """What `condition` returns once it is truthy, or None after `seconds`."""
    try:
        # the page redraws on live updates: an element read as it is replaced is looked for again
        wait = WebDriverWait(driver, seconds, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException])
        return wait.until(lambda d: condition(d) or None)
    except TimeoutException:
        return None


def act_on_row(driver, seq, action):
    """Runs `action` on the table row of `seq`; the row is found again if a live update replaced it meanwhile."""
    for _ in range(5):
        try:
            action(driver.find_element(By.CSS_SELECTOR, f'#events tbody tr[data-seq="{seq}"]'))
            return
        except StaleElementReferenceException:
            continue
    raise RuntimeError(f"the row of seq {seq} kept being replaced")


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1500,1900", "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def highlighted(driver, pointer):
    """The highlighted JSON line at the event-relative `pointer` and its message, or None."""
    lines = driver.find_elements(By.CSS_SELECTOR, "#detail-json .line.violation")
    for line in lines:
        if line.get_attribute("data-pointer") == pointer:
            messages = line.find_elements(By.CSS_SELECTOR, ".message")
            if messages and messages[0].text.strip():
                return line, messages[0].text
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    base, screenshot = sys.argv[1].rstrip("/"), sys.argv[2]
    checks = Checks()
    events = fixture_events()
    seqs = {}
    for seq, (version, event, valid, pointer) in enumerate(events, start=1):
        status = post(base, version, event)
        checks.check(f"POST {version} {event['commonEventHeader']['eventId']} answers "
                     f"{'202' if valid else '400'}", status == (202 if valid else 400), f"got {status}")
        seqs[event["commonEventHeader"]["eventId"]] = seq

    driver = start_browser()
    try:
        driver.get(base + "/")
        rows = wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#events tbody tr")) >= len(events)
                        and d.find_elements(By.CSS_SELECTOR, "#events tbody tr"))
        checks.check(f"the table shows the {len(events)} events", rows is not None and len(rows) == len(events),
                     f"{0 if rows is None else len(rows)} rows")
        # the cells as text in one go, so a live update cannot replace a row between two reads
        cells = driver.execute_script(
            "return [...document.querySelectorAll('#events tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        if cells:
            versions = {row[2] for row in cells}
            checks.check("rows of versions v1, v5 and v7", {"v1", "v5", "v7"} <= versions, str(versions))
            top = cells[0]
            checks.check("newest first, with its verdict", top[0] == str(len(events)) and top[6] == "invalid",
                         f"{top[0]} {top[6]}")

        # one click opens an invalid event: its violating field is highlighted with the message beside it
        bad_v1 = seqs["web-v1-bad"]
        act_on_row(driver, bad_v1, lambda row: row.click())
        found = wait_for(driver, lambda d: highlighted(d, "/commonEventHeader/priority"))
        checks.check("a click opens the event with /commonEventHeader/priority highlighted and its message",
                     found is not None)
        errors = driver.find_element(By.ID, "detail-errors").text
        checks.check("the violations list names the pointer", "/event/commonEventHeader/priority" in errors, errors)
        checks.check("the page's address links to the event", driver.current_url.endswith(f"#event={bad_v1}"),
                     driver.current_url)

        # the keyboard opens one too: Enter on a focused row
        bad_v5 = seqs["web-v5-bad"]
        act_on_row(driver, bad_v5, lambda row: row.send_keys(Keys.ENTER))
        found = wait_for(driver, lambda d: highlighted(d, "/faultFields/eventSeverity"))
        checks.check("Enter on a row opens it (5.4.1: /faultFields/eventSeverity highlighted)", found is not None)

        # a deep link opens the page with the event shown
        bad_v7 = seqs["web-v7-bad"]
        driver.get("about:blank")
        driver.get(f"{base}/#event={bad_v7}")
        found = wait_for(driver, lambda d: highlighted(d, "/measurementFields/measurementInterval"))
        checks.check(f"#event={bad_v7} opens the 7.2.1 event with /measurementFields/measurementInterval "
                     "highlighted", found is not None)

        # a chart has a line through the measurement values
        path = wait_for(driver, lambda d: [p for p in d.find_elements(By.CSS_SELECTOR, "svg.chart path.line")
                                           if (p.get_attribute("d") or "").count("L") >= 5])
        checks.check("a measurement chart draws a line through its values", bool(path))
        verdict = driver.find_element(By.ID, "verdict").text
        checks.check("the summary says what --strict would", "--strict would exit 1" in verdict, verdict)

        # an event posted now appears without a reload
        live = copy.deepcopy(events[-4][1])
        live["commonEventHeader"]["eventId"] = "web-live"
        status = post(base, "v5", live)
        live_seq = len(events) + 1
        appeared = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f'#events tbody tr[data-seq="{live_seq}"]'))
        checks.check("an event posted later appears in the table without a reload", status == 202 and bool(appeared),
                     f"status {status}")

        # the screenshot: the page with an invalid event open
        wait_for(driver, lambda d: highlighted(d, "/measurementFields/measurementInterval"))
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(screenshot)
        checks.check(f"screenshot saved to {screenshot}", os.path.getsize(screenshot) > 10_000)
        errors = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        checks.check("no errors in the browser's console", not errors, json.dumps(errors)[:500])
    finally:
        driver.quit()
    print(f"{checks.failed} failed" if checks.failed else "all passed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
