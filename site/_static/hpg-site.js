// The course site's charts and checks of understanding, without a kernel.
// site/static_outputs.py writes, for each chart or question, a <script class="hpg-data"> block
// holding base64 JSON; nothing in it is shown until the reader acts.
import jupyterChart from "./jupyterchart.js";

function readData(holder) {
  const block = holder.querySelector(":scope > script.hpg-data");
  const bytes = Uint8Array.from(atob(JSON.parse(block.textContent)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

// The JupyterChart front end reads and writes a widget model; a static page has one that
// holds the chart's saved state and sends nothing anywhere.
function staticModel(state) {
  const values = { _vl_selections: {}, _params: {}, _js_watch_plan: [], debounce_wait: 10, max_wait: true, ...state };
  return {
    get: (name) => values[name],
    set: (name, value) => { values[name] = value; },
    on: () => {},
    save_changes: () => {},
  };
}

// A chart a little wider than the text column is shrunk to fit it, whole and still legible; one
// that would have to shrink more (on a phone) keeps its size and scrolls sideways in its box.
const SMALLEST_SCALE = 0.7;

function fitToColumn(holder) {
  const svg = holder.querySelector("svg.marks");
  if (!svg) return;
  const scale = holder.clientWidth / Number(svg.getAttribute("width"));
  holder.classList.toggle("hpg-chart-shrunk", scale < 1 && scale >= SMALLEST_SCALE);
}

const columnWatcher = new ResizeObserver((entries) => entries.forEach((entry) => fitToColumn(entry.target)));

async function drawCharts(root) {
  for (const holder of root.querySelectorAll(".hpg-chart:not([data-drawn])")) {
    holder.dataset.drawn = "pending";
    const view = document.createElement("div");
    holder.appendChild(view);
    await jupyterChart.render({ model: staticModel(readData(holder)), el: view });
    fitToColumn(holder);
    columnWatcher.observe(holder);
    holder.dataset.drawn = "true";
  }
}

// Python's "{:g}" and "{:.3g}", as quiz.Predict writes numbers.
const general = (value, digits = 6) => String(Number(value.toPrecision(digits)));

// quiz.Predict.commit's sentence for a typed number, built with text nodes: the number is the reader's.
function numericFeedback(payload, prediction) {
  const unit = payload.unit ? ` ${payload.unit}` : "";
  const difference = prediction - payload.answer;
  const correct = Math.abs(difference) <= payload.tolerance;
  const paragraph = document.createElement("p");
  const verdict = document.createElement("strong");
  verdict.textContent = correct ? "Correct." : "Not quite.";
  paragraph.append(verdict,
    ` You predicted ${general(prediction)}${unit}; the model gives ${general(payload.answer, 3)}${unit}` +
    ` (${general(Math.abs(difference), 3)}${unit} ${difference > 0 ? "above" : "below"};` +
    ` within ${general(payload.tolerance)}${unit} counts as right).` +
    (payload.model_says ? ` ${payload.model_says}` : ""));
  return paragraph;
}

// Parts a notebook keeps closed until the reader has answered (lessons.after) open once every
// question they wait for has been answered on this page.
const answered = new Set();

async function openWhatWaits() {
  for (const part of document.querySelectorAll(".hpg-static-after:not([data-open])")) {
    if (!part.dataset.keys.split(" ").every((key) => answered.has(key))) continue;
    part.dataset.open = "true";
    part.querySelector(".hpg-after-note").replaceChildren();
    const content = part.querySelector(".hpg-after-content");
    content.innerHTML = readData(part).html;
    setUpInteractive(content);
    await drawCharts(content);
  }
}

async function markAnswered(quiz) {
  quiz.dataset.answered = "true";
  if (quiz.dataset.key) answered.add(quiz.dataset.key);
  await openWhatWaits();
}

function setUpQuiz(quiz) {
  const payload = readData(quiz);
  const button = quiz.querySelector(".hpg-quiz-button");
  const feedback = quiz.querySelector(".hpg-quiz-feedback");
  const reveal = quiz.querySelector(".hpg-quiz-reveal");
  const radios = [...quiz.querySelectorAll("input[type=radio]")];
  const number = quiz.querySelector(".hpg-quiz-number input");
  const isPrediction = quiz.dataset.quiz === "predict";
  // As in the notebook: a new choice clears the old verdict of a multiple choice.
  radios.forEach((radio) => radio.addEventListener("change", () => {
    if (!isPrediction) feedback.replaceChildren();
  }));
  button.addEventListener("click", async () => {
    const chosen = radios.find((radio) => radio.checked);
    let prediction = null;
    if (number) {
      prediction = Number(number.value.trim().replace(/%$/, "").replace(",", "."));
      if (!number.value.trim() || !Number.isFinite(prediction)) {
        feedback.textContent = "Type a number such as 25 first: the point is to commit before you see the answer.";
        return;
      }
    } else if (!chosen) {
      feedback.textContent = "Choose one of the options first, then press the button.";
      return;
    }
    if (number) feedback.replaceChildren(numericFeedback(payload, prediction));
    else feedback.innerHTML = payload.feedback[Number(chosen.value)];
    if (!isPrediction) {
      await markAnswered(quiz);
      return;
    }
    // A prediction is locked once made, so the comparison stays honest.
    radios.forEach((radio) => { radio.disabled = true; });
    if (number) number.disabled = true;
    button.disabled = true;
    reveal.innerHTML = payload.reveal;
    setUpInteractive(reveal);
    await drawCharts(reveal);
    await markAnswered(quiz);
  });
  quiz.dataset.ready = "true";
}

function setUpSolution(solution) {
  const button = solution.querySelector(".hpg-solution-button");
  const body = solution.querySelector(".hpg-solution-body");
  const title = solution.dataset.title;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    body.innerHTML = open ? readData(solution).html : "";
    button.setAttribute("aria-expanded", String(open));
    button.textContent = `${open ? "Hide" : "Show"} worked solution: ${title}`;
  });
  solution.dataset.ready = "true";
}

// Questions and solutions in the page, or in a part just opened.
function setUpInteractive(root) {
  root.querySelectorAll(".hpg-static-quiz:not([data-ready])").forEach(setUpQuiz);
  root.querySelectorAll(".hpg-static-solution:not([data-ready])").forEach(setUpSolution);
}

setUpInteractive(document);
await drawCharts(document);
document.documentElement.dataset.hpgChartsDrawn = "true";
