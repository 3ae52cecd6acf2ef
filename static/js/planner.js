// The week planner (templates/visits/planner.html): one FullCalendar per city, on that city's wall clock.
// FullCalendar runs in UTC and is given wall-clock times without an offset, so the browser's own zone
// never enters; a move is sent back as wall-clock times on the calendar's city's clock, and the server
// turns them into instants (visits/forms.py: PlannerMoveForm) and answers in words.
(function () {
  "use strict";
  var dataElement = document.getElementById("planner-data");
  if (!dataElement || !window.FullCalendar) {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var status = document.getElementById("planner-status");
  var token = document.querySelector("#planner-entries input[name=csrfmiddlewaretoken]").value;
  var phone = window.matchMedia("(max-width: 575.98px)").matches;
  var language = document.documentElement.lang || "en";
  var dialog = document.getElementById("planner-add");
  var FOCUS_KEY = "planner-focus";

  function say(text, kind) {
    status.textContent = text;
    status.className = "alert alert-" + kind;
  }

  // With timeZone "UTC" a Date's UTC fields are the wall clock of the calendar's city.
  function wall(date) {
    return date.toISOString().slice(0, 16);
  }

  function shifted(date, minutes, days) {
    return new Date(date.getTime() + (minutes + days * 1440) * 60000);
  }

  function move(event, city, start, end, revert) {
    say(data.saving, "info");
    var body = new URLSearchParams({ entry: event.extendedProps.entry, start: wall(start), end: wall(end), city: city });
    fetch(data.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      body: body,
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.ok) {
          // The page is drawn again so both calendars of a leg, the list and the messages agree.
          window.sessionStorage.setItem(FOCUS_KEY, event.extendedProps.entry + "@" + city);
          window.location.reload();
          return;
        }
        revert();
        say(answer.error, "danger");
      })
      .catch(function () {
        revert();
        say(data.failed, "danger");
      });
  }

  var KEY_MOVES = { ArrowUp: [-15, 0], ArrowDown: [15, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function openAdd(city, date) {
    var form = dialog.querySelector("form");
    if (city) {
      form.elements.city.value = String(city);
    }
    if (date) {
      var end = shifted(date, 60, 0);
      form.elements.day.value = wall(date).slice(0, 10);
      form.elements.start_time.value = wall(date).slice(11, 16);
      form.elements.end_time.value = wall(end).slice(11, 16);
      form.elements.end_day.value = wall(end).slice(0, 10) === wall(date).slice(0, 10) ? "" : wall(end).slice(0, 10);
    }
    dialog.showModal();
    form.elements.title.focus();
  }

  document.querySelectorAll("[data-planner-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      openAdd(null, null);
    });
  });
  dialog.querySelectorAll("[data-planner-close]").forEach(function (button) {
    button.addEventListener("click", function () {
      dialog.close();
    });
  });
  if (dialog.hasAttribute("data-open")) {
    dialog.showModal();
  }

  var focusAfterReload = window.sessionStorage.getItem(FOCUS_KEY);
  window.sessionStorage.removeItem(FOCUS_KEY);

  document.querySelectorAll(".planner-calendar").forEach(function (element) {
    var spec = data.calendars[Number(element.dataset.calendar)];
    var calendar = new FullCalendar.Calendar(element, {
      timeZone: "UTC",
      locale: language,
      initialView: phone ? "listPlanner" : "timePlanner",
      views: {
        timePlanner: { type: "timeGrid" },
        listPlanner: { type: "list" },
      },
      visibleRange: { start: spec.start, end: spec.end },
      initialDate: spec.start,
      headerToolbar: false,
      allDaySlot: false,
      height: "auto",
      slotMinTime: spec.slotMinTime,
      slotMaxTime: spec.slotMaxTime,
      slotDuration: "00:30:00",
      snapDuration: "00:15:00",
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      dayHeaderFormat: { weekday: "short", day: "numeric", month: "short" },
      displayEventTime: false,
      editable: true,
      events: spec.events,
      eventDrop: function (info) {
        move(info.event, spec.city, info.event.start, info.event.end, info.revert);
      },
      eventResize: function (info) {
        move(info.event, spec.city, info.event.start, info.event.end, info.revert);
      },
      dateClick: function (info) {
        openAdd(spec.city, info.date);
      },
      eventDidMount: function (info) {
        info.el.dataset.entry = info.event.extendedProps.entry;
        info.el.setAttribute("aria-label", info.event.title);
        if (!info.event.startEditable) {
          return;
        }
        info.el.addEventListener("keydown", function (keydown) {
          var step = KEY_MOVES[keydown.key];
          if (!keydown.altKey || !step) {
            return;
          }
          keydown.preventDefault();
          var event = info.event;
          move(event, spec.city, shifted(event.start, step[0], step[1]), shifted(event.end, step[0], step[1]), function () {});
        });
      },
    });
    calendar.render();
    // After a move by keys the page is drawn again: the moved block gets the focus back.
    var focused = (focusAfterReload || "").split("@");
    if (focused[1] === String(spec.city)) {
      var block = element.querySelector('[data-entry="' + focused[0] + '"]');
      if (block) {
        block.focus();
      }
    }
  });
})();
