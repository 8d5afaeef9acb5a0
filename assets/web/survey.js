// "How did we do?": asked once the chat has ended (the state frame says "ask"), answered
// once with 1-5 and an optional comment. The answer goes through the chat page's own
// post(), so it carries the chat's cookie like every other chat request.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let send = null;                // posts the answer: set by chat.js for the open chat

  function thank() {
    $("survey").hidden = true;
    $("survey-thanks").hidden = false;
  }

  async function submit(event) {
    event.preventDefault();
    const error = $("survey-error");
    error.textContent = "";
    const picked = document.querySelector('input[name="rating"]:checked');
    if (!picked) {
      error.textContent = "Please choose a rating from 1 to 5.";
      return;
    }
    const comment = $("survey-comment").value.trim();
    if (comment.length > Number($("survey-comment").maxLength || 1000)) {
      error.textContent = "The comment is too long.";
      return;
    }
    $("survey-send").disabled = true;
    try {
      await send({ rating: Number(picked.value), comment });
      thank();
    } catch (e) {
      // Rated already (another tab): the answer is in; say thank you all the same.
      if (e.status === 409 && /rated already/.test(e.message)) thank();
      else error.textContent = e instanceof TypeError ? "We cannot reach the chat service. Please try again." : e.message;
    } finally {
      $("survey-send").disabled = false;
    }
  }

  window.LW = window.LW || {};
  // `survey`: the state's "ask", "answered" or null; `post(body)`: sends the answer.
  window.LW.survey = function (survey, post, commentChars) {
    send = post;
    if (commentChars) $("survey-comment").maxLength = commentChars;
    $("survey").hidden = survey !== "ask";
    $("survey-thanks").hidden = survey !== "answered";
  };
  window.LW.surveyReset = function () {
    $("survey").reset();
    $("survey-error").textContent = "";
    $("survey").hidden = true;
    $("survey-thanks").hidden = true;
  };

  document.addEventListener("DOMContentLoaded", () => {
    $("survey").addEventListener("submit", submit);
    $("survey").addEventListener("change", () => { $("survey-error").textContent = ""; });
  });
})();
